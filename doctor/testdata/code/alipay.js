import fs from 'node:fs';
import path from 'node:path';
import { AlipaySdk } from 'alipay-sdk';

const alipayPublicKey = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA32PyuUGrdtW8o00iY6/3Bqc6/753oRzyVNG4Kkzbbv9W9GbdatLJItvx7UMNSFNohn+Mrls9myFb5HaJLapk/KHHvdHAlnO8UWJS5ieMDifWTNAXPkoFSD2XCov0wzJ1QlcP10U70UgviUUtt8Ljn2yKaZS0jvYPcyhrqaI+JGuhwXLgF2RkjaMRfol2+kILjz44NFqeBwCmGeEL+xpDwr0cyGW9GjjUmWFXreCkP9DRYk17U6dmSB8b71M09Ev98VGp8CIn05WjY0uIZQZ9hXXqVEKE9av5H1z4vgBBUxZWua+sdipeA3G1O0BxnqZVAwbZKatxB83IBRLbOeOSyQIDAQAB';

export const alipaySdk = new AlipaySdk({
  appId: process.env.ALIPAY_APP_ID,
  privateKey: fs.readFileSync(path.join(__dirname, 'app_private_key_pkcs1.pem'), 'ascii'),
  keyType: 'PKCS8',
  alipayPublicKey,
  gateway: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
});
