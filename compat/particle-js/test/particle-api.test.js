// particle-api-js 12, unchanged, against a real Corral cloud and a real device: the workflow a new user tries.
// Features Corral does not have yet are not tested here; the README's "Using Particle's tools" table lists them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Particle from 'particle-api-js';
import { startCorral, startSink, eventually } from '../lib/corral.js';

describe('particle-api-js against Corral', () => {
  let corral;
  let sink;
  let particle;
  let auth;

  before(async () => {
    sink = await startSink();
    // The sink is on loopback, which the outbound policy refuses by default: this cloud's operator allows it.
    corral = await startCorral({ settings: {} });
    particle = new Particle({ baseUrl: corral.baseUrl });
  });
  after(async () => {
    await corral?.stop();
    await sink?.close();
  });

  it('logs in with a username and password, then reads the user', async () => {
    const login = await particle.login({ username: corral.username, password: corral.password });
    assert.equal(login.statusCode, 200);
    assert.equal(login.body.token_type, 'bearer');
    assert.match(login.body.access_token, /^[A-Za-z0-9_-]{20,}$/);
    assert.ok(login.body.expires_in > 0);
    auth = login.body.access_token;

    const user = await particle.getUserInfo({ auth });
    assert.equal(user.body.username, corral.username);
  });

  it('refuses a wrong password with an OAuth error', async () => {
    await assert.rejects(particle.login({ username: corral.username, password: 'wrong' }), (e) => {
      assert.ok([400, 401].includes(e.statusCode), `status ${e.statusCode}`);
      assert.equal(e.body.error, 'invalid_grant');
      return true;
    });
  });

  it('lists the device and gets it as connected', async () => {
    const list = await particle.listDevices({ auth });
    const mine = list.body.find((d) => d.id === corral.deviceId);
    assert.ok(mine, `device ${corral.deviceId} in ${JSON.stringify(list.body)}`);
    assert.equal(mine.name, 'kitchen');
    assert.equal(mine.connected, true);

    const device = await particle.getDevice({ deviceId: corral.deviceId, auth });
    assert.equal(device.body.id, corral.deviceId);
    assert.equal(device.body.connected, true);
    assert.ok(device.body.functions.includes('led'), JSON.stringify(device.body.functions));
    assert.ok('counter' in device.body.variables, JSON.stringify(device.body.variables));
  });

  it('calls a function with its argument as Particle sends it (args)', async () => {
    const on = await particle.callFunction({ deviceId: corral.deviceId, name: 'led', argument: 'on', auth });
    assert.equal(on.body.return_value, 1);
    assert.equal(on.body.connected, true);
    await eventually('the device to print the call', () => corral.deviceOutput.includes('led is now on'));
    const off = await particle.callFunction({ deviceId: 'kitchen', name: 'led', argument: 'off', auth });
    assert.equal(off.body.return_value, 0);
  });

  it('refuses an argument longer than the limit, naming the field', async () => {
    await assert.rejects(
      particle.callFunction({ deviceId: corral.deviceId, name: 'led', argument: 'x'.repeat(623), auth }),
      (e) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.body.ok, false);
        assert.match(e.body.error_description, /args/);
        assert.match(e.body.error_description, /622/);
        return true;
      });
  });

  it('reads a variable', async () => {
    const read = await particle.getVariable({ deviceId: corral.deviceId, name: 'counter', auth });
    assert.equal(read.body.name, 'counter');
    assert.equal(typeof read.body.result, 'number');
  });

  it('renames the device, sets its notes, and finds it by its new name', async () => {
    const renamed = await particle.renameDevice({ deviceId: corral.deviceId, name: 'porch', auth });
    assert.equal(renamed.body.name, 'porch');
    await particle.setDeviceNotes({ deviceId: 'porch', notes: 'by the front door', auth });

    const device = await particle.getDevice({ deviceId: 'porch', auth });
    assert.equal(device.body.id, corral.deviceId);
    assert.equal(device.body.notes, 'by the front door');
  });

  it('refuses an empty name and an over-long one, naming the field', async () => {
    for (const name of ['', 'n'.repeat(300)]) {
      await assert.rejects(particle.renameDevice({ deviceId: corral.deviceId, name, auth }), (e) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.body.ok, false);
        assert.match(e.body.error_description, /name/);
        return true;
      });
    }
  });

  it('signals the device, which hears it', async () => {
    await particle.signalDevice({ deviceId: corral.deviceId, signal: true, auth });
    await eventually('the device to print the signal', () => corral.deviceOutput.some((l) => /signal.*on/i.test(l)));
    await particle.signalDevice({ deviceId: corral.deviceId, signal: false, auth });
    await eventually('the device to print the end of the signal',
      () => corral.deviceOutput.some((l) => /signal.*off/i.test(l)));
  });

  it('pings the device (PUT /v1/devices/{id}/ping, which particle-cli uses)', async () => {
    const response = await fetch(`${corral.baseUrl}/v1/devices/${corral.deviceId}/ping`,
      { method: 'PUT', headers: { authorization: `Bearer ${auth}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { online: true, ok: true });
  });

  it('publishes an event and sees it, and spark/status, on the event stream', async () => {
    const stream = await particle.getEventStream({ deviceId: 'mine', auth });
    const seen = [];
    stream.on('event', (event) => seen.push(event));
    try {
      // The stream is open once the cloud answers its headers; an event published now reaches it.
      await particle.publishEvent({ name: 'compat/hello', data: 'from-js', isPrivate: true, auth });
      const event = await eventually('the published event', () => seen.find((e) => e.name === 'compat/hello'));
      assert.equal(event.data, 'from-js');
      assert.ok(!Number.isNaN(Date.parse(event.published_at)), event.published_at);

      await corral.stopDevice();
      const offline = await eventually('spark/status offline',
        () => seen.find((e) => e.name === 'spark/status' && e.data === 'offline'));
      assert.equal(offline.coreid, corral.deviceId);
      await corral.startDevice();
      await eventually('spark/status online',
        () => seen.find((e) => e.name === 'spark/status' && e.data === 'online'));
    } finally {
      stream.abort();
    }
  });

  it('creates, lists, delivers and deletes a legacy webhook', async () => {
    const created = await particle.createWebhook({ event: 'compat/temp', url: `${sink.url}/legacy`, auth });
    const hookId = created.body.id;
    assert.ok(hookId, JSON.stringify(created.body));

    const listed = await particle.listWebhooks({ auth });
    const hook = listed.body.find((h) => h.id === hookId);
    assert.equal(hook.event, 'compat/temp');
    assert.equal(hook.url, `${sink.url}/legacy`);
    assert.ok(!Number.isNaN(Date.parse(hook.created_at)), hook.created_at);

    await particle.publishEvent({ name: 'compat/temp', data: '21.5', isPrivate: true, auth });
    const request = await eventually('the webhook delivery', () => sink.requests.find((r) => r.url === '/legacy'));
    assert.equal(request.method, 'POST');
    // No template: Particle's default form body.
    const form = new URLSearchParams(request.body);
    assert.equal(form.get('event'), 'compat/temp');
    assert.equal(form.get('data'), '21.5');
    assert.ok(form.get('published_at'));

    await particle.deleteWebhook({ hookId, auth });
    const after = await particle.listWebhooks({ auth });
    assert.equal(after.body.find((h) => h.id === hookId), undefined);
  });

  it('refuses a webhook without a url, and an unknown requestType, naming the field', async () => {
    await assert.rejects(particle.createWebhook({ event: 'compat/x', auth }), (e) => {
      assert.equal(e.statusCode, 400);
      assert.equal(e.body.ok, false);
      assert.match(e.body.error_description, /url/);
      return true;
    });
    await assert.rejects(particle.createWebhook({ event: 'compat/x', url: sink.url, hook: { method: 'BREW' }, auth }),
      (e) => {
        assert.equal(e.statusCode, 400);
        assert.match(e.body.error_description, /requestType/);
        return true;
      });
  });

  it('creates, lists, delivers and deletes an integration in Particle\'s fields', async () => {
    const created = await particle.createIntegration({
      event: 'compat/hum',
      settings: {
        integration_type: 'Webhook',
        url: `${sink.url}/integration`,
        requestType: 'PUT',
        json: { humidity: '{{{PARTICLE_EVENT_VALUE}}}', name: '{{{PARTICLE_EVENT_NAME}}}' },
      },
      auth,
    });
    const integrationId = created.body.id;
    assert.ok(integrationId, JSON.stringify(created.body));

    const listed = await particle.listIntegrations({ auth });
    assert.ok(listed.body.some((i) => i.id === integrationId), JSON.stringify(listed.body));

    await particle.publishEvent({ name: 'compat/hum', data: '55', isPrivate: true, auth });
    const request = await eventually('the integration delivery',
      () => sink.requests.find((r) => r.url === '/integration'));
    assert.equal(request.method, 'PUT');
    assert.deepEqual(JSON.parse(request.body), { humidity: '55', name: 'compat/hum' });

    await particle.deleteIntegration({ integrationId, auth });
    const after = await particle.listIntegrations({ auth });
    assert.ok(!after.body.some((i) => i.id === integrationId));
  });

  it('removes the device', async () => {
    await particle.removeDevice({ deviceId: corral.deviceId, auth });
    await assert.rejects(particle.getDevice({ deviceId: corral.deviceId, auth }), (e) => e.statusCode === 404);
    const list = await particle.listDevices({ auth });
    assert.ok(!list.body.some((d) => d.id === corral.deviceId));
  });

  it('revokes tokens, after which they get 401', async () => {
    const second = (await particle.login({ username: corral.username, password: corral.password })).body.access_token;
    await particle.deleteAccessToken({ token: second }); // no other credentials, as particle-api-js sends it
    await assert.rejects(particle.listDevices({ auth: second }), (e) => e.statusCode === 401);

    await particle.deleteCurrentAccessToken({ auth });
    await assert.rejects(particle.listDevices({ auth }), (e) => {
      assert.equal(e.statusCode, 401);
      assert.equal(e.body.ok, false);
      return true;
    });
  });
});
