package dev.userhash.spring;

import dev.userhash.Enforcement;
import dev.userhash.web.KeySettings;
import dev.userhash.web.VendorSettings;
import dev.userhash.web.WebSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code userhash.*} properties: where the keys are (a config file, or vendors written here),
 * which app and environment of it, and the gate. The keys and defaults are those of every
 * userhash web integration (Python's {@code USERHASH_*} settings included). An unknown
 * {@code userhash.*} property stops the application at start-up, as a misspelt one would
 * otherwise silently switch something off.
 *
 * <pre>
 * userhash.config=/etc/acme/userhash.toml
 * userhash.app=acme
 * userhash.env=production
 * userhash.vendor=intercom
 * userhash.enforcement=report
 * userhash.gate-paths=/api/
 * </pre>
 */
@ConfigurationProperties(prefix = "userhash", ignoreUnknownFields = false)
public class UserHashProperties {
    /** The userhash TOML config file (apps, environments, vendors, keys). */
    private String config;

    /** The app of the config file to use. */
    private String app;

    /** The environment of that app (production, staging, ...). */
    private String env;

    /** The platform whose keys sign payloads when the request names none. */
    private String platform = "web";

    /** The vendor whose tokens the gate checks, when the environment has several. */
    private String vendor;

    /**
     * The gate's mode: off (count only), report (let everything through, log what enforce would
     * deny) or enforce (answer 401). Unset: no gate.
     */
    private Enforcement enforcement;

    /** The request header carrying the token the gate checks. */
    private String tokenHeader = "X-UserHash-Token";

    /** The request header naming the platform a request comes from (web, ios, android, ...). */
    private String platformHeader = "X-UserHash-Platform";

    /** The path prefixes the gate applies to. */
    private List<String> gatePaths = new ArrayList<>(List.of("/"));

    /**
     * Vendors written here instead of a config file, by name: each with its scheme and its keys
     * by platform label, each key naming the environment variable or file holding its secret.
     */
    private Map<String, Vendor> vendors = new LinkedHashMap<>();

    /** One vendor written in the properties. */
    public static class Vendor {
        /** The scheme: a preset name (intercom, zendesk, crisp, ...) or a custom scheme spec. */
        private String scheme;

        /** The keys by platform label (web, ios, android, ...). */
        private Map<String, Key> keys = new LinkedHashMap<>();

        /** The label of the one key that serves every platform. */
        private String allPlatforms;

        /** The JSON member holding this vendor's token in a payload (default: the scheme's). */
        private String payloadKey;

        /** The largest accepted token age in seconds (timestamped schemes and JWTs). */
        private Long maxAgeSeconds;

        /** The largest accepted lead of a token's time over the clock, in seconds. */
        private Long maxFutureSkewSeconds;

        /** The scheme. */
        public String getScheme() {
            return scheme;
        }

        /** Sets the scheme. */
        public void setScheme(String scheme) {
            this.scheme = scheme;
        }

        /** The keys by label. */
        public Map<String, Key> getKeys() {
            return keys;
        }

        /** Sets the keys by label. */
        public void setKeys(Map<String, Key> keys) {
            this.keys = keys;
        }

        /** The label of the key for every platform. */
        public String getAllPlatforms() {
            return allPlatforms;
        }

        /** Sets the label of the key for every platform. */
        public void setAllPlatforms(String allPlatforms) {
            this.allPlatforms = allPlatforms;
        }

        /** The payload key. */
        public String getPayloadKey() {
            return payloadKey;
        }

        /** Sets the payload key. */
        public void setPayloadKey(String payloadKey) {
            this.payloadKey = payloadKey;
        }

        /** The largest accepted token age. */
        public Long getMaxAgeSeconds() {
            return maxAgeSeconds;
        }

        /** Sets the largest accepted token age. */
        public void setMaxAgeSeconds(Long maxAgeSeconds) {
            this.maxAgeSeconds = maxAgeSeconds;
        }

        /** The largest accepted lead over the clock. */
        public Long getMaxFutureSkewSeconds() {
            return maxFutureSkewSeconds;
        }

        /** Sets the largest accepted lead over the clock. */
        public void setMaxFutureSkewSeconds(Long maxFutureSkewSeconds) {
            this.maxFutureSkewSeconds = maxFutureSkewSeconds;
        }
    }

    /** Where one key's secret is: never the secret itself. */
    public static class Key {
        /** The environment variable holding the secret. */
        private String env;

        /** The file holding the secret (e.g. /run/secrets/acme-intercom-web). */
        private String file;

        /** The JWT key id (kid) of this key, for vendors that ask for one (zendesk). */
        private String keyId;

        /** The environment variable. */
        public String getEnv() {
            return env;
        }

        /** Sets the environment variable. */
        public void setEnv(String env) {
            this.env = env;
        }

        /** The file. */
        public String getFile() {
            return file;
        }

        /** Sets the file. */
        public void setFile(String file) {
            this.file = file;
        }

        /** The key id. */
        public String getKeyId() {
            return keyId;
        }

        /** Sets the key id. */
        public void setKeyId(String keyId) {
            this.keyId = keyId;
        }
    }

    /** These properties as userhash-web's settings. */
    public WebSettings toSettings() {
        return new WebSettings(config, app, env, platform, vendor, enforcement, tokenHeader, platformHeader, List.copyOf(gatePaths));
    }

    /** The vendors as userhash-web's vendor settings. */
    public Map<String, VendorSettings> toVendorSettings() {
        Map<String, VendorSettings> out = new LinkedHashMap<>();
        vendors.forEach((name, vendor) -> {
            Map<String, KeySettings> keys = new LinkedHashMap<>();
            vendor.getKeys().forEach((label, key) -> keys.put(label, new KeySettings(key.getEnv(), key.getFile(), key.getKeyId())));
            out.put(name, new VendorSettings(vendor.getScheme(), keys, vendor.getAllPlatforms(), vendor.getPayloadKey(),
                    vendor.getMaxAgeSeconds(), vendor.getMaxFutureSkewSeconds()));
        });
        return out;
    }

    /**
     * How a key is named in messages: {@code token_header} as {@code userhash.token-header}, as it
     * is written in application.properties.
     */
    public static String propertyName(String key) {
        int dot = key.indexOf('.');
        String first = dot < 0 ? key : key.substring(0, dot);
        return "userhash." + first.replace('_', '-') + (dot < 0 ? "" : key.substring(dot));
    }

    /** The config file. */
    public String getConfig() {
        return config;
    }

    /** Sets the config file. */
    public void setConfig(String config) {
        this.config = config;
    }

    /** The app. */
    public String getApp() {
        return app;
    }

    /** Sets the app. */
    public void setApp(String app) {
        this.app = app;
    }

    /** The environment. */
    public String getEnv() {
        return env;
    }

    /** Sets the environment. */
    public void setEnv(String env) {
        this.env = env;
    }

    /** The default platform. */
    public String getPlatform() {
        return platform;
    }

    /** Sets the default platform. */
    public void setPlatform(String platform) {
        this.platform = platform;
    }

    /** The gate's vendor. */
    public String getVendor() {
        return vendor;
    }

    /** Sets the gate's vendor. */
    public void setVendor(String vendor) {
        this.vendor = vendor;
    }

    /** The gate's mode. */
    public Enforcement getEnforcement() {
        return enforcement;
    }

    /** Sets the gate's mode. */
    public void setEnforcement(Enforcement enforcement) {
        this.enforcement = enforcement;
    }

    /** The token header. */
    public String getTokenHeader() {
        return tokenHeader;
    }

    /** Sets the token header. */
    public void setTokenHeader(String tokenHeader) {
        this.tokenHeader = tokenHeader;
    }

    /** The platform header. */
    public String getPlatformHeader() {
        return platformHeader;
    }

    /** Sets the platform header. */
    public void setPlatformHeader(String platformHeader) {
        this.platformHeader = platformHeader;
    }

    /** The gated path prefixes. */
    public List<String> getGatePaths() {
        return gatePaths;
    }

    /** Sets the gated path prefixes. */
    public void setGatePaths(List<String> gatePaths) {
        this.gatePaths = gatePaths;
    }

    /** The vendors written here. */
    public Map<String, Vendor> getVendors() {
        return vendors;
    }

    /** Sets the vendors written here. */
    public void setVendors(Map<String, Vendor> vendors) {
        this.vendors = vendors;
    }
}
