'use strict';
// Behaviour of the rendered session policy Action, run with Node's own test runner.
// Render first: tests/node/run.sh (or: .venv/bin/python tests/node/render_fixture.py; node --test tests/node/)

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const BUILD = path.join(__dirname, 'build');
const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const CREATED_AT = '2024-03-01T10:00:00.000Z';
const CREATED = Date.parse(CREATED_AT);

function load(name) {
  const file = path.join(BUILD, `${name}.js`);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: render the fixtures first with tests/node/run.sh`);
  }
  return require(file);
}

const issue = load('issue');
const conditions = load('conditions');
const injection = load('injection');
const noDefault = load('no_default');
const PAYLOADS = JSON.parse(fs.readFileSync(path.join(BUILD, 'payloads.json'), 'utf8'));

// A login event with the fields a plain database login has, and none of the optional ones.
function login(extra = {}) {
  return {
    session: { id: 'sess_1', created_at: CREATED_AT },
    client: { client_id: 'web-client-id', name: 'Web App' },
    connection: { name: 'Username-Password-Authentication', strategy: 'auth0' },
    request: { ip: '192.0.2.1', geoip: { countryCode: 'US' } },
    authentication: { methods: [{ name: 'pwd', timestamp: CREATED_AT }] },
    user: { user_id: 'auth0|1', app_metadata: {} },
    ...extra,
  };
}

// An api stub that records every session call.
function recorder() {
  const calls = [];
  const session = {};
  for (const method of ['setExpiresAt', 'setIdleExpiresAt', 'setCookieMode']) {
    session[method] = (value) => calls.push([method, value]);
  }
  return { api: { session }, calls };
}

async function run(action, event) {
  const { api, calls } = recorder();
  const before = Date.now();
  await action.onExecutePostLogin(event, api);
  const after = Date.now();
  const result = { calls, before, after };
  for (const [method, value] of calls) result[method] = value;
  return result;
}

// Which rule of the conditions fixture applied: rule N grants N hours; the default grants 24.
async function ruleHours(event) {
  const result = await run(conditions, event);
  return (result.setExpiresAt - CREATED) / HOUR;
}

test('the issue policy: first matching rule, default otherwise', async (t) => {
  await t.test('no rule matches: the default', async () => {
    const r = await run(issue, login());
    assert.equal(r.setExpiresAt, CREATED + 7 * 24 * HOUR);
    assert.ok(r.setIdleExpiresAt >= r.before + 24 * HOUR && r.setIdleExpiresAt <= r.after + 24 * HOUR);
    assert.equal(r.setCookieMode, undefined);
    assert.deepEqual(r.calls.map(([method]) => method), ['setExpiresAt', 'setIdleExpiresAt']);
  });
  await t.test('high-risk login', async () => {
    const r = await run(issue, login({ authentication: { methods: [], riskAssessment: { confidence: 'low' } } }));
    assert.equal(r.setExpiresAt, CREATED + 8 * HOUR);
    assert.ok(r.setIdleExpiresAt >= r.before + 30 * MINUTE && r.setIdleExpiresAt <= r.after + 30 * MINUTE);
  });
  await t.test('trusted organization by id or by name; idle comes from the default', async () => {
    for (const organization of [{ id: 'org_abc123', name: 'abc' }, { id: 'org_zzz', name: 'acme-partners' }]) {
      const r = await run(issue, login({ organization }));
      assert.equal(r.setExpiresAt, CREATED + 30 * 24 * HOUR);
      assert.ok(r.setIdleExpiresAt >= r.before + 24 * HOUR && r.setIdleExpiresAt <= r.after + 24 * HOUR);
    }
  });
  await t.test('kiosk: non-persistent cookie, inherited 7d/1d clipped to the ephemeral 1d/8h', async () => {
    const r = await run(issue, login({ client: { client_id: 'kiosk-client-id', name: 'Kiosk' } }));
    assert.equal(r.setCookieMode, 'non-persistent');
    assert.equal(r.setExpiresAt, CREATED + 24 * HOUR);
    assert.ok(r.setIdleExpiresAt >= r.before + 8 * HOUR && r.setIdleExpiresAt <= r.after + 8 * HOUR);
  });
  await t.test('order: a high-risk login in a trusted organization gets the high-risk rule', async () => {
    const r = await run(issue, login({
      organization: { id: 'org_abc123', name: 'abc' },
      authentication: { methods: [], riskAssessment: { confidence: 'low' } },
    }));
    assert.equal(r.setExpiresAt, CREATED + 8 * HOUR);
  });
});

test('each condition', async (t) => {
  await t.test('baseline login matches nothing', async () => {
    assert.equal(await ruleHours(login()), 24);
  });
  await t.test('organizations: id or name', async () => {
    assert.equal(await ruleHours(login({ organization: { id: 'org_abc123', name: 'x' } })), 1);
    assert.equal(await ruleHours(login({ organization: { id: 'org_x', name: 'acme-partners' } })), 1);
    assert.equal(await ruleHours(login({ organization: { id: 'org_x', name: 'ACME-PARTNERS' } })), 24);
  });
  await t.test('clients: client IDs only; a name in the list does not match a client of that name', async () => {
    assert.equal(await ruleHours(login({ client: { client_id: 'kiosk-client-id', name: 'x' } })), 2);
    assert.equal(await ruleHours(login({ client: { client_id: 'Kiosk App', name: 'x' } })), 2);
    assert.equal(await ruleHours(login({ client: { client_id: 'x', name: 'Kiosk App' } })), 24);
  });
  await t.test('client_names: by name, asked for explicitly', async () => {
    assert.equal(await ruleHours(login({ client: { client_id: 'x', name: 'Named Kiosk' } })), 12);
    assert.equal(await ruleHours(login({ client: { client_id: 'Named Kiosk', name: 'x' } })), 24);
  });
  await t.test('connections', async () => {
    assert.equal(await ruleHours(login({ connection: { name: 'corp-ad', strategy: 'ad' } })), 3);
  });
  await t.test('countries (codes normalized to upper case on both sides)', async () => {
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: 'DE' } } })), 4);
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: 'FR' } } })), 4);
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: 'fr' } } })), 4);
  });
  await t.test('not_countries', async () => {
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: 'GB' } } })), 11);
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: 'CA' } } })), 24);
  });
  await t.test('roles: any of', async () => {
    assert.equal(await ruleHours(login({ authorization: { roles: ['viewer', 'ops'] } })), 5);
    assert.equal(await ruleHours(login({ authorization: { roles: ['viewer'] } })), 24);
  });
  await t.test('risk_confidence', async () => {
    const risk = (confidence) => login({ authentication: { methods: [], riskAssessment: { confidence } } });
    assert.equal(await ruleHours(risk('medium')), 6);
    assert.equal(await ruleHours(risk('low')), 6);
    assert.equal(await ruleHours(risk('high')), 24);
    assert.equal(await ruleHours(risk('neutral')), 24);
  });
  await t.test('mfa: true when a method named mfa was used', async () => {
    const methods = [{ name: 'pwd' }, { name: 'mfa' }];
    assert.equal(await ruleHours(login({ authentication: { methods } })), 7);
  });
  await t.test('mfa: false when no method named mfa was used', async () => {
    const legacy = { connection: { name: 'legacy-db' } };
    assert.equal(await ruleHours(login(legacy)), 8);
    assert.equal(await ruleHours(login({ ...legacy, authentication: { methods: [{ name: 'pwd' }, null] } })), 8);
  });
  await t.test('app_metadata: every key equal (===)', async () => {
    const md = (app_metadata) => login({ user: { app_metadata } });
    assert.equal(await ruleHours(md({ tier: 'gold', level: 3, vip: true, other: 1 })), 9);
    assert.equal(await ruleHours(md({ tier: 'gold', level: '3', vip: true })), 24);
    assert.equal(await ruleHours(md({ tier: 'gold', level: 3 })), 24);
    assert.equal(await ruleHours(md(Object.create({ tier: 'gold', level: 3, vip: true }))), 24);
    // A list is no mapping, whatever keys it carries (issue 23).
    assert.equal(await ruleHours(md(Object.assign(['gold'], { tier: 'gold', level: 3, vip: true }))), 24);
  });
  await t.test('all conditions of a rule must hold', async () => {
    const org = { organization: { id: 'org_both', name: 'both' } };
    assert.equal(await ruleHours(login({ ...org, request: { geoip: { countryCode: 'NL' } } })), 10);
    assert.equal(await ruleHours(login({ ...org, request: { geoip: { countryCode: 'US' } } })), 24);
  });
});

test('missing event fields never throw and make their conditions false', async (t) => {
  await t.test('no session: nothing is set', async () => {
    const r = await run(issue, login({ session: undefined }));
    assert.deepEqual(r.calls, []);
  });
  await t.test('no organization', async () => {
    assert.equal(await ruleHours(login({ organization: undefined })), 24);
    assert.equal(await ruleHours(login({ organization: null })), 24);
  });
  await t.test('no geoip: countries and not_countries are both false', async () => {
    assert.equal(await ruleHours(login({ request: { ip: '192.0.2.1' } })), 24);
    assert.equal(await ruleHours(login({ request: undefined })), 24);
    assert.equal(await ruleHours(login({ request: { geoip: { countryCode: '' } } })), 24);
  });
  await t.test('a country is two ASCII letters exactly, as explain reads it (issue 23)', async () => {
    // Explain once stripped these and said rule 4; the Action upper-cased them and matched nothing.
    for (const code of [' fr', 'FR\n', 'FR\u00a0', '\u00a0DE', 'ｆｒ', 'F R', 'FRA', 'D', ['DE'], 49]) {
      assert.equal(await ruleHours(login({ request: { geoip: { countryCode: code } } })), 24, JSON.stringify(code));
    }
  });
  await t.test('no riskAssessment', async () => {
    assert.equal(await ruleHours(login({ authentication: { methods: [] } })), 24);
  });
  await t.test('no authentication: mfa true and mfa false are both false', async () => {
    assert.equal(await ruleHours(login({ authentication: undefined })), 24);
    assert.equal(await ruleHours(login({ authentication: undefined, connection: { name: 'legacy-db' } })), 24);
  });
  await t.test('no authorization', async () => {
    assert.equal(await ruleHours(login({ authorization: undefined })), 24);
    assert.equal(await ruleHours(login({ authorization: { roles: 'admin' } })), 24);
  });
  await t.test('no client, connection or user', async () => {
    assert.equal(await ruleHours(login({ client: undefined, connection: undefined, user: undefined })), 24);
    assert.equal(await ruleHours(login({ user: { app_metadata: null } })), 24);
  });
  await t.test('a bare event with a session only', async () => {
    const r = await run(conditions, { session: { created_at: CREATED_AT } });
    assert.equal(r.setExpiresAt, CREATED + 24 * HOUR);
  });
});

test('absolute expiry counts from the session creation', async (t) => {
  await t.test('an old session keeps its original expiry', async () => {
    const createdAt = '2020-01-01T00:00:00Z';
    const r = await run(issue, login({ session: { id: 's', created_at: createdAt, authenticated_at: new Date().toISOString() } }));
    assert.equal(r.setExpiresAt, Date.parse(createdAt) + 7 * 24 * HOUR);
  });
  await t.test('missing or unreadable created_at: now + lifetime, never the tenant default (issue 23)', async () => {
    // Each of these once left setExpiresAt uncalled (Date.parse read none of them, or read them otherwise
    // than explain): the session kept the tenant's 30d instead of the default's 7d.
    const unreadable = [undefined, null, 5, ['2024-03-01T10:00:00Z'], 'yesterday-ish', '2024-03-01T10:00:00Z\n',
      ' 2024-03-01T10:00:00Z', '２０２４-03-01T10:00:00Z', '2024-03-01T10:00:00+00:60', '2024-03-01T10:00:00+24:00',
      '2024-02-30T10:00:00Z', '2024-03-01T24:00:00Z', '2024-03-01T10:00:60Z', '0001-01-01T00:00:00+23:00',
      '1969-12-31T23:59:59Z', '2024-03-01', '2024-03-01T10:00:00', '2024-03-01T10:00:00.1234567890Z',
      '2024-03-01T10:00:00.Z'];
    for (const createdAt of unreadable) {
      const r = await run(issue, login({ session: { id: 's', created_at: createdAt } }));
      assert.ok(r.setExpiresAt >= r.before + 7 * 24 * HOUR && r.setExpiresAt <= r.after + 7 * 24 * HOUR,
        `created_at ${JSON.stringify(createdAt)}: setExpiresAt ${r.setExpiresAt}`);
      assert.ok(r.setIdleExpiresAt >= r.before + 24 * HOUR);
    }
    const r = await run(issue, login({ session: { id: 's' } }));
    assert.ok(r.setExpiresAt >= r.before + 7 * 24 * HOUR);
  });
  await t.test('a created_at later than now counts from now', async () => {
    const r = await run(issue, login({ session: { id: 's', created_at: '9999-12-31T23:59:59Z' } }));
    assert.ok(r.setExpiresAt >= r.before + 7 * 24 * HOUR && r.setExpiresAt <= r.after + 7 * 24 * HOUR);
  });
  await t.test('the instants the rule reads', async () => {
    for (const [createdAt, millis] of [['2024-03-01T12:00:00+02:00', CREATED], ['2024-03-01T04:30:00-05:30', CREATED],
      ['2024-03-01T10:00:00.123Z', CREATED + 123], ['2024-02-29T10:00:00Z', CREATED - 24 * HOUR],
      ['1970-01-01T00:00:00Z', 0], ['2024-03-01T10:00:00.1Z', CREATED + 100],
      ['2024-03-01T10:00:00.131474951Z', CREATED + 131]]) {
      const r = await run(issue, login({ session: { id: 's', created_at: createdAt } }));
      assert.equal(r.setExpiresAt, millis + 7 * 24 * HOUR, createdAt);
    }
  });
  await t.test('idle expiry counts from now', async () => {
    const r = await run(issue, login({ session: { id: 's', created_at: '2020-01-01T00:00:00Z' } }));
    assert.ok(r.setIdleExpiresAt >= r.before + 24 * HOUR && r.setIdleExpiresAt <= r.after + 24 * HOUR);
  });
});

test('the session api may be absent or partial', async (t) => {
  await t.test('no api.session', async () => {
    await issue.onExecutePostLogin(login(), {});
    await issue.onExecutePostLogin(login(), { session: null });
  });
  await t.test('only some methods', async () => {
    const calls = [];
    await issue.onExecutePostLogin(login({ client: { client_id: 'kiosk-client-id' } }),
      { session: { setExpiresAt: (value) => calls.push(value) } });
    assert.deepEqual(calls, [CREATED + 24 * HOUR]);
  });
  await t.test('a method that throws does not fail the login', async (t2) => {
    const logged = [];
    t2.mock.method(console, 'log', (line) => logged.push(line));
    const calls = [];
    const session = {
      setExpiresAt: () => { throw new Error('not allowed on this plan'); },
      setIdleExpiresAt: (value) => calls.push(value),
      setCookieMode: () => { throw new Error('early access'); },
    };
    await issue.onExecutePostLogin(login({ client: { client_id: 'kiosk-client-id' } }), { session });
    assert.equal(calls.length, 1);
    assert.deepEqual(logged, [
      'sessionguard: api.session.setExpiresAt failed: not allowed on this plan',
      'sessionguard: api.session.setCookieMode failed: early access',
    ]);
  });
});

test('the shipped session_policy_action.js runs as it is, with its empty policy', async () => {
  const action = require('../../plugins/plugin_utils/session_policy_action.js');
  assert.deepEqual((await run(action, login())).calls, []);
});

test('no default: a login no rule matches is left alone', async () => {
  assert.deepEqual((await run(noDefault, login())).calls, []);
  const r = await run(noDefault, login({ client: { client_id: 'kiosk-client-id' } }));
  assert.deepEqual(r.calls, [['setCookieMode', 'non-persistent']]);
});

test('injection attempts are data', async (t) => {
  const source = fs.readFileSync(path.join(BUILD, 'injection.js'), 'utf8');

  await t.test('loading the code ran nothing', () => {
    assert.equal(globalThis.INJECTED, undefined);
    assert.equal(({}).tier, undefined);
    assert.equal(Object.prototype.polluted, undefined);
  });
  await t.test('each payload is an organization name that matches its own rule only', async () => {
    for (const [index, payload] of PAYLOADS.entries()) {
      const r = await run(injection, login({ organization: { id: 'org_x', name: payload } }));
      assert.equal(r.setExpiresAt, CREATED + (index + 1) * HOUR, payload);
    }
    assert.equal(globalThis.INJECTED, undefined);
  });
  await t.test('payloads as clients, connections and app_metadata keys', async () => {
    const both = login({ client: { client_id: PAYLOADS[0] }, connection: { name: PAYLOADS[2] } });
    assert.equal((await run(injection, both)).setExpiresAt, CREATED + 20 * HOUR);
    const app_metadata = Object.fromEntries(PAYLOADS.map((payload) => [payload, payload]));
    assert.equal((await run(injection, login({ user: { app_metadata } }))).setExpiresAt, CREATED + 21 * HOUR);
  });
  await t.test('__proto__ as an app_metadata key is a plain key, not the prototype', async () => {
    const app_metadata = JSON.parse('{"__proto__": "polluted"}');
    assert.equal((await run(injection, login({ user: { app_metadata } }))).setExpiresAt, CREATED + 22 * HOUR);
    assert.equal((await run(injection, login({ user: { app_metadata: {} } }))).setExpiresAt, CREATED + 24 * HOUR);
  });
  await t.test('the POLICY line is one line of JSON with nothing a script or JS parser could trip on', () => {
    const lines = source.split('\n').filter((line) => line.startsWith('const POLICY = '));
    assert.equal(lines.length, 1);
    const json = lines[0].slice('const POLICY = '.length, -1);
    assert.ok(lines[0].endsWith(';'));
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.doesNotMatch(json, /[^\x20-\x7e]/);
    const data = JSON.parse(json);
    assert.deepEqual(data.rules.slice(0, PAYLOADS.length).map((rule) => rule.match.organizations[0]), PAYLOADS);
  });
  await t.test('outside the POLICY line the code is the same fixed code as any other policy', () => {
    const strip = (text) => text.split('\n').filter((line) => !line.startsWith('const POLICY = ')).join('\n');
    assert.equal(strip(source), strip(fs.readFileSync(path.join(BUILD, 'issue.js'), 'utf8')));
  });
});

test('determinism: two renders in two processes, inputs in another order, are byte-identical', () => {
  const first = fs.readFileSync(path.join(BUILD, 'issue.js'));
  const second = fs.readFileSync(path.join(BUILD, 'issue.again.js'));
  assert.ok(first.equals(second));
  assert.match(first.toString('utf8'), /GENERATED by the sessionguard\.auth0 Ansible collection/);
  assert.doesNotMatch(first.toString('utf8'), /\d{4}-\d\d-\d\dT\d\d:/);
});
