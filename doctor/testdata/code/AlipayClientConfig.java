package com.example.pay;

import com.alipay.api.AlipayClient;
import com.alipay.api.AlipayConstants;
import com.alipay.api.DefaultAlipayClient;

public class AlipayClientConfig {
    public static final String SERVER_URL = "https://openapi.alipay.com/gateway.do";
    public static final String APP_ID = "9021000000000001";
    // 应用私钥 (the key tool's output "for non-Java languages": PKCS#1)
    public static final String APP_PRIVATE_KEY =
            "MIIEpAIBAAKCAQEAs2XHy+feoQaCgalzdeb2gADtORQDfFCqbrC3bNSwVYsBoGBm" +
            "BKiYkyimA+mKYioy1iHAtIAUdUuv5vSnDep07EvoGHbxa2W4WtQkRv0HHdqj8Cy6" +
            "PBFKZ3biIo39QnakC7aUOUnjiZSZTZpDqGHSzCUOeBqyAzbMsxnGJbSvp1tujPUj" +
            "YbuINAF1S9DjgZCIiBGyFqKgp26QAL2uCBgNuGQomJ0diCIPyb1RQPj/wH+3/NJl" +
            "zCQTbFRiw9v5uVF2QXfzdJKhs3r1LJBqOdedzpt8QEhB9fP4aRWAAE7u9uzUQSEH" +
            "w4VF20Qgp7XE0oewhCngfHMMzjaR9zS0ZCjSyQIDAQABAoIBAAWWzuUCnV2PWXxJ" +
            "lQDCuvdgCq6n2cJzHxY0VaieOTwBs6GlSIm4s3Uyk7aE6C7uATgJjz/dtYAghSjO" +
            "bTsfoiLVAWnWtdI1NiDH9x/fj6EoWp8XqPneBjSHlYdtp0roGEJgVDPzN35bMEoE" +
            "xlAYs8kGAV0FpDoO/be5k+JA7nqJzyoWu/VVrsqahWl/msklL0jc9SpHj2qehYQ0" +
            "TDaY43YoUwUiAkrqf9/7Qt3jPFEPoGlKzksxEwM7fEGmljpxQEaVeVh1KzJu+uGi" +
            "+zpeEwrJFsenxNTsZGJkssbhUtUDHpZUB267p1Mmj9OdfA19youWEVRjGtWP/awz" +
            "pA+yCBECgYEA6ugplsZ6f0sviYuNTy1A5quYJUyvWkyF78jHODEF3Msk94wy+V7a" +
            "Or+CMv74d9A6eyVd+RkUTZNLxpoD49xBGfR/EB2jSdlhJRt0bc6RiNvgYha3M+Ha" +
            "AQxhKshF/KC7wyQBBJjxpeokt90zvvWkbwDpLFyjfUca0VGUzGAu8DECgYEAw4Ge" +
            "KTU+sGL1XsI4kAT4VweJ4eRnQhcwuSltIJGXrqP/3jmC4GhvfoJapkAbyTgazMsZ" +
            "OIFNYcmSAdBfqvPUBSlL4KsMKUQCVnBSRDUnvaDIpT8EI815U4RrLFR1H3595Df1" +
            "HYf8BcZp5KeiVZDX54gDc0hFDkrL4Hgn69F/vhkCgYAJuIHAE4aOLfZRosy+Mgk1" +
            "gnRRVtMK0Y/ZVF2qHZ04fc+RzuNtHle5hqNEqPhvPNauseUpobgNXcMM/OKcU0j+" +
            "YffAGvne3HgAqRowURQErdSjOn1qUDZNRM3gj1kWEzCx6pOANTQKwZ2zXhv+Evwy" +
            "+76qb0r0rDSX5OBbdL98gQKBgQCXax5aABkLd7leqMIyGQdWMEqEH+gxcdCUuBcC" +
            "8IAwDGixbo2EzJ39t2wJ8wESOVfYYTypXMvX/swMh5xwxOPjE3bnDNMgasH8vIWa" +
            "uiiLX6nHAiVsrUlYe+idrtP/jnJmfUhklNuGhYOiSosaBlKRyfASK1kAlsGMmsMg" +
            "i2OKkQKBgQCBvYwsnyFKOC3vAIySPsOSMpEYlvL54EnMzI8147VubuYwjrQ+3q5F" +
            "2pG7vcHa2GD7oFtjZJvtiM8IoJk2vaouUG6HOH/zl8EtNkD7XSoc5F0Fw3P4k6s2" +
            "yTYpcsgElPe5Xs/NKW9NC/txEFWoc44JNyEcT6Ogl8LWrwu1hyOlfg==";
    public static final String ALIPAY_PUBLIC_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA32PyuUGrdtW8o00iY6/3Bqc6/753oRzyVNG4Kkzbbv9W9GbdatLJItvx7UMNSFNohn+Mrls9myFb5HaJLapk/KHHvdHAlnO8UWJS5ieMDifWTNAXPkoFSD2XCov0wzJ1QlcP10U70UgviUUtt8Ljn2yKaZS0jvYPcyhrqaI+JGuhwXLgF2RkjaMRfol2+kILjz44NFqeBwCmGeEL+xpDwr0cyGW9GjjUmWFXreCkP9DRYk17U6dmSB8b71M09Ev98VGp8CIn05WjY0uIZQZ9hXXqVEKE9av5H1z4vgBBUxZWua+sdipeA3G1O0BxnqZVAwbZKatxB83IBRLbOeOSyQIDAQAB";

    public AlipayClient alipayClient() {
        return new DefaultAlipayClient(SERVER_URL, APP_ID, APP_PRIVATE_KEY, AlipayConstants.FORMAT_JSON,
                AlipayConstants.CHARSET_UTF8, ALIPAY_PUBLIC_KEY, AlipayConstants.SIGN_TYPE_RSA2);
    }

    public AlipayClient fromVault() {
        AlipayConfig config = new AlipayConfig();
        config.setPrivateKey(Vault.read("alipay/app-key"));
        return new DefaultAlipayClient(config);
    }
}
