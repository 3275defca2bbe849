// The official Alipay Node SDK (alipay-sdk), pointed at the emulator as its
// gateway: one call, its parsed and verified result printed as one JSON line.
//
//   node exchange.mjs v2|v3 code|refresh|userinfo VALUE [APP_AUTH_TOKEN]
//   node exchange.mjs v2|v3 appauth|apprefresh|appquery VALUE
//
// With APP_AUTH_TOKEN the call acts for the merchant app that granted it
// (v2: the top-level app_auth_token; v3: the appAuthToken option). appauth
// and apprefresh call alipay.open.auth.token.app with an app_auth_code or an
// app_refresh_token in biz_content, appquery alipay.open.auth.token.app.query.
//
// With no arguments it reads such calls from stdin, one a line, and answers
// each with one line, so one process (and one SDK start-up) serves many.
//
// Settings come from the environment:
//   ALIAUTH_GATEWAY            v2 gateway.do URL
//   ALIAUTH_ENDPOINT           v3 base URL
//   ALIAUTH_APP_ID
//   ALIAUTH_APP_PRIVATE_KEY    base64 PKCS#8, as the emulator's ready line gives it
//   ALIAUTH_ALIPAY_PUBLIC_KEY  base64, public key mode
//   ALIAUTH_APP_CERT, ALIAUTH_ALIPAY_CERT, ALIAUTH_ALIPAY_ROOT_CERT
//                              certificate files, certificate mode (instead of the key)
//
// Output: {"ok":true,"result":{...}} when the SDK returned a verified result,
// or {"ok":false,"error":{"name","message","code","status"}} when it threw;
// for a v2 answer in error_response also "error_response" and whether the
// SDK's verifier accepts its sign ("error_response_verified").
import { AlipaySdk } from 'alipay-sdk';

import { createInterface } from 'node:readline';

const env = process.env;
const usage = 'usage: node exchange.mjs v2|v3 code|refresh|userinfo|appauth|apprefresh|appquery VALUE [APP_AUTH_TOKEN]';

function valid(protocol, call, value) {
  return ['v2', 'v3'].includes(protocol) && ['code', 'refresh', 'userinfo', 'appauth', 'apprefresh', 'appquery'].includes(call) && Boolean(value);
}

const config = {
  appId: env.ALIAUTH_APP_ID,
  privateKey: env.ALIAUTH_APP_PRIVATE_KEY,
  keyType: 'PKCS8',
  gateway: env.ALIAUTH_GATEWAY,
  endpoint: env.ALIAUTH_ENDPOINT,
  camelcase: false,
  timeout: 10000,
};
if (env.ALIAUTH_APP_CERT) {
  config.appCertPath = env.ALIAUTH_APP_CERT;
  config.alipayPublicCertPath = env.ALIAUTH_ALIPAY_CERT;
  config.alipayRootCertPath = env.ALIAUTH_ALIPAY_ROOT_CERT;
} else {
  config.alipayPublicKey = env.ALIAUTH_ALIPAY_PUBLIC_KEY;
}

const sdk = new AlipaySdk(config);

const appAuthMethods = {
  appauth: ['alipay.open.auth.token.app', '/v3/alipay/open/auth/token/app', (v) => ({ grant_type: 'authorization_code', code: v })],
  apprefresh: ['alipay.open.auth.token.app', '/v3/alipay/open/auth/token/app', (v) => ({ grant_type: 'refresh_token', refresh_token: v })],
  appquery: ['alipay.open.auth.token.app.query', '/v3/alipay/open/auth/token/app/query', (v) => ({ app_auth_token: v })],
};

async function run(protocol, call, value, appAuthToken) {
  if (appAuthMethods[call]) {
    const [method, path, biz] = appAuthMethods[call];
    if (protocol === 'v2') {
      return sdk.exec(method, { bizContent: biz(value) }, { validateSign: true });
    }
    return (await sdk.curl('POST', path, { body: biz(value) })).data;
  }
  if (protocol === 'v2') {
    const options = { validateSign: true };
    const acting = appAuthToken ? { app_auth_token: appAuthToken } : {};
    switch (call) {
      case 'code':
        return sdk.exec('alipay.system.oauth.token', { grant_type: 'authorization_code', code: value, ...acting }, options);
      case 'refresh':
        return sdk.exec('alipay.system.oauth.token', { grant_type: 'refresh_token', refresh_token: value }, options);
      default:
        return sdk.exec('alipay.user.info.share', { auth_token: value }, options);
    }
  }
  switch (call) {
    case 'code':
      return (await sdk.curl('POST', '/v3/alipay/system/oauth/token', { body: { grant_type: 'authorization_code', code: value }, appAuthToken })).data;
    case 'refresh':
      return (await sdk.curl('POST', '/v3/alipay/system/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: value } })).data;
    default:
      return (await sdk.curl('POST', '/v3/alipay/user/info/share', { query: { auth_token: value } })).data;
  }
}

async function answer(protocol, call, value, appAuthToken) {
  try {
    const result = await run(protocol, call, value, appAuthToken);
    return { ok: true, sdk: sdk.version, result };
  } catch (err) {
    return explain(protocol, err);
  }
}

function explain(protocol, err) {
  const out = {
    ok: false,
    sdk: sdk.version,
    error: { name: err.name, message: err.message, code: err.code, status: err.responseHttpStatus },
  };
  // exec with validateSign cuts the signed content out at "<method>_response",
  // so an answer in error_response (how alipay.system.oauth.token reports
  // every error) fails it however it is signed. Check such a node with the
  // SDK's own verifier pointed at the node the gateway used.
  let body;
  try {
    body = JSON.parse(err.responseDataRaw);
  } catch {
    body = undefined;
  }
  if (protocol === 'v2' && body && body.error_response) {
    out.error_response = body.error_response;
    try {
      sdk.checkResponseSign(err.responseDataRaw, 'error_response', body.sign);
      out.error_response_verified = true;
    } catch (e) {
      out.error_response_verified = false;
      out.error_response_detail = e.message;
    }
  }
  return out;
}

const args = process.argv.slice(2);
if (args.length > 0) {
  if (!valid(...args)) {
    process.stderr.write(`exchange.mjs: ${usage}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await answer(...args)) + '\n');
} else {
  for await (const line of createInterface({ input: process.stdin })) {
    const words = line.trim().split(/\s+/);
    const out = valid(...words) ? await answer(...words) : { ok: false, error: { name: 'Usage', message: usage } };
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}
