// The shape of the configuration in the Getting Started of the official Java
// SDK (alipay/alipay-sdk-java-all, v3/README.md), with throwaway test keys.

import com.alipay.v3.ApiClient;
import com.alipay.v3.ApiException;
import com.alipay.v3.Configuration;
import com.alipay.v3.util.*;
import com.alipay.v3.api.AlipaySystemOauthApi;

public class Example {
  public static void main(String[] args) {
    ApiClient defaultClient = Configuration.getDefaultApiClient();
    defaultClient.setBasePath("https://openapi.alipay.com");
    // 设置alipayConfig参数（全局设置一次）
    AlipayConfig config = new AlipayConfig();
    config.setAppId("2021000000000001");
    config.setPrivateKey("MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCzZcfL596hBoKBqXN15vaAAO05FAN8UKpusLds1LBViwGgYGYEqJiTKKYD6YpiKjLWIcC0gBR1S6/m9KcN6nTsS+gYdvFrZbha1CRG/Qcd2qPwLLo8EUpnduIijf1CdqQLtpQ5SeOJlJlNmkOoYdLMJQ54GrIDNsyzGcYltK+nW26M9SNhu4g0AXVL0OOBkIiIEbIWoqCnbpAAva4IGA24ZCiYnR2IIg/JvVFA+P/Af7f80mXMJBNsVGLD2/m5UXZBd/N0kqGzevUskGo5153Om3xASEH18/hpFYAATu727NRBIQfDhUXbRCCntcTSh7CEKeB8cwzONpH3NLRkKNLJAgMBAAECggEABZbO5QKdXY9ZfEmVAMK692AKrqfZwnMfFjRVqJ45PAGzoaVIibizdTKTtoToLu4BOAmPP921gCCFKM5tOx+iItUBada10jU2IMf3H9+PoShanxeo+d4GNIeVh22nSugYQmBUM/M3flswSgTGUBizyQYBXQWkOg79t7mT4kDueonPKha79VWuypqFaX+aySUvSNz1KkePap6FhDRMNpjjdihTBSICSup/3/tC3eM8UQ+gaUrOSzETAzt8QaaWOnFARpV5WHUrMm764aL7Ol4TCskWx6fE1OxkYmSyxuFS1QMellQHbrunUyaP0518DX3Ki5YRVGMa1Y/9rDOkD7IIEQKBgQDq6CmWxnp/Sy+Ji41PLUDmq5glTK9aTIXvyMc4MQXcyyT3jDL5Xto6v4Iy/vh30Dp7JV35GRRNk0vGmgPj3EEZ9H8QHaNJ2WElG3RtzpGI2+BiFrcz4doBDGEqyEX8oLvDJAEEmPGl6iS33TO+9aRvAOksXKN9RxrRUZTMYC7wMQKBgQDDgZ4pNT6wYvVewjiQBPhXB4nh5GdCFzC5KW0gkZeuo//eOYLgaG9+glqmQBvJOBrMyxk4gU1hyZIB0F+q89QFKUvgqwwpRAJWcFJENSe9oMilPwQjzXlThGssVHUffn3kN/Udh/wFxmnkp6JVkNfniANzSEUOSsvgeCfr0X++GQKBgAm4gcATho4t9lGizL4yCTWCdFFW0wrRj9lUXaodnTh9z5HO420eV7mGo0So+G881q6x5SmhuA1dwwz84pxTSP5h98Aa+d7ceACpGjBRFASt1KM6fWpQNk1EzeCPWRYTMLHqk4A1NArBnbNeG/4S/DL7vqpvSvSsNJfk4Ft0v3yBAoGBAJdrHloAGQt3uV6owjIZB1YwSoQf6DFx0JS4FwLwgDAMaLFujYTMnf23bAnzARI5V9hhPKlcy9f+zAyHnHDE4+MTducM0yBqwfy8hZq6KItfqccCJWytSVh76J2u0/+OcmZ9SGSU24aFg6JKixoGUpHJ8BIrWQCWwYyawyCLY4qRAoGBAIG9jCyfIUo4Le8AjJI+w5IykRiW8vngSczMjzXjtW5u5jCOtD7erkXakbu9wdrYYPugW2Nkm+2IzwigmTa9qi5Qboc4f/OXwS02QPtdKhzkXQXDc/iTqzbJNilyyASU97lez80pb00L+3EQVahzjgk3IRxPo6CXwtavC7WHI6V+");
    // 密钥模式
    config.setAlipayPublicKey("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA32PyuUGrdtW8o00iY6/3Bqc6/753oRzyVNG4Kkzbbv9W9GbdatLJItvx7UMNSFNohn+Mrls9myFb5HaJLapk/KHHvdHAlnO8UWJS5ieMDifWTNAXPkoFSD2XCov0wzJ1QlcP10U70UgviUUtt8Ljn2yKaZS0jvYPcyhrqaI+JGuhwXLgF2RkjaMRfol2+kILjz44NFqeBwCmGeEL+xpDwr0cyGW9GjjUmWFXreCkP9DRYk17U6dmSB8b71M09Ev98VGp8CIn05WjY0uIZQZ9hXXqVEKE9av5H1z4vgBBUxZWua+sdipeA3G1O0BxnqZVAwbZKatxB83IBRLbOeOSyQIDAQAB");
    // 证书模式
    // config.setAppCertPath("../appCertPublicKey.crt");
    // config.setAlipayPublicCertPath("../alipayCertPublicKey_RSA2.crt");
    // config.setRootCertPath("../alipayRootCert.crt");
    config.setEncryptKey("Aav0CUlgfxQ4NyCDsg4C4A==");
    defaultClient.setAlipayConfig(config);
  }
}
