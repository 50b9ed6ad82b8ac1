'use strict';
// Runs rendered session policy Actions for tests/node/test_differential.py, many logins per process.
// Reads one JSON request per line on stdin: {"code": <rendered Action>, "logins": [{"event", "now"}]}
// and answers one line: [{"rule": <index of the rule applied, or null for the default>, "calls": [[method, value]]}].
// The code runs unchanged in a vm context of its own; Date.now is pinned per login so the idle
// expiry is exact, and the rule applied is seen by watching which rule's effects the Action reads.

const readline = require('node:readline');
const vm = require('node:vm');

function load(code) {
  const context = vm.createContext({ exports: {}, console });
  vm.runInContext(code, context, { filename: 'rendered-action.js' });
  const policy = vm.runInContext('POLICY', context);
  const seen = { rule: undefined };
  const watch = (effects, index) => new Proxy(effects, {
    get(target, property) {
      seen.rule = index;
      return target[property];
    },
  });
  policy.rules.forEach((rule, index) => { rule.set = watch(rule.set, index); });
  policy.default = watch(policy.default, null);
  return { ContextDate: vm.runInContext('Date', context), seen, action: context.exports };
}

async function run(loaded, login) {
  const calls = [];
  const session = {};
  for (const method of ['setExpiresAt', 'setIdleExpiresAt', 'setCookieMode']) {
    session[method] = (value) => calls.push([method, value]);
  }
  loaded.ContextDate.now = () => login.now;
  loaded.seen.rule = undefined;
  await loaded.action.onExecutePostLogin(login.event, { session });
  return { rule: loaded.seen.rule === undefined ? 'none' : loaded.seen.rule, calls };
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      const request = JSON.parse(line);
      const loaded = load(request.code);
      answer = [];
      for (const login of request.logins) answer.push(await run(loaded, login));
    } catch (err) {
      answer = { error: String(err && err.stack) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
});
