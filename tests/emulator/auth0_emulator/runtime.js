'use strict';
// The emulator's stand-in for Auth0's Actions runtime: runs one Post-Login Action on one event.
// Reads one JSON object on stdin: {"code", "event", "secrets": {name: value}, "now": epoch ms or null,
// "preflight": bool} and writes one JSON line: {"calls": [{"method", "args"}], "logs", "error"
// ({name, message, stack} or null), "action_ms"}.
//
// `api` records every call made on it (api.session.setExpiresAt(...) -> {"method":
// "session.setExpiresAt", "args": [...]}), whatever the path, so an Action using parts of the API
// the emulator does not model still runs. With `preflight`, the event is first read the way Auth0's
// side of a test run read it: the recorded /test answer (tests/fixtures/auth0-recorded/go-auth0/
// TestActionManager_Test.json) failed with "Cannot read properties of undefined (reading 'id')" on an
// event holding only a user, before the (empty) Action ran. Which fields Auth0 reads is not recorded:
// the reads below are the emulator's guess, tenant.id first so the recorded event fails the same way.

const vm = require('node:vm');

function preflight(event) {
  /* eslint-disable no-unused-expressions */
  event.tenant.id;
  event.client.client_id;
  event.connection.id;
  event.request.ip;
  event.transaction.id;
  event.authentication.methods;
  event.user.user_id;
}

function recorder(calls, path) {
  return new Proxy(function api() {}, {
    get(target, property) {
      if (typeof property === 'symbol' || property === 'then') return undefined; // not a promise
      return recorder(calls, path.concat(property));
    },
    apply(target, self, args) {
      calls.push({ method: path.join('.'), args: JSON.parse(JSON.stringify(args === undefined ? [] : args)) });
      return undefined;
    },
  });
}

function describe(err) {
  if (err instanceof Error || (err && typeof err === 'object')) {
    // The runner's own path is the emulator's business, not the answer's.
    const stack = String(err.stack || '').split(__filename).join('/data/io/runtime.js');
    return { name: String(err.name || 'Error'), message: String(err.message || ''), stack };
  }
  return { name: 'Error', message: String(err), stack: `Error: ${String(err)}` };
}

async function main(request) {
  const calls = [];
  const lines = [];
  const log = (...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  const sandboxConsole = { log, info: log, warn: log, error: log, debug: log };
  const context = vm.createContext({ exports: {}, console: sandboxConsole });
  context.module = { exports: context.exports };
  const started = Date.now();
  let error = null;
  try {
    if (request.preflight) preflight(request.event);
    vm.runInContext(request.code || '', context, { filename: 'action.js', timeout: 5000 });
    if (request.now !== null && request.now !== undefined) {
      const ContextDate = vm.runInContext('Date', context);
      ContextDate.now = () => request.now;
    }
    const handler = context.module.exports.onExecutePostLogin || context.exports.onExecutePostLogin;
    if (typeof handler === 'function') {
      const event = JSON.parse(JSON.stringify(request.event || {}));
      event.secrets = request.secrets || {};
      await handler(event, recorder(calls, []));
    }
  } catch (err) {
    error = describe(err);
  }
  return { calls, logs: lines.join('\n'), error, action_ms: Date.now() - started };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  let request;
  try {
    request = JSON.parse(input);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ calls: [], logs: '', error: describe(err), action_ms: 0 })}\n`);
    return;
  }
  main(request).then((answer) => process.stdout.write(`${JSON.stringify(answer)}\n`));
});
