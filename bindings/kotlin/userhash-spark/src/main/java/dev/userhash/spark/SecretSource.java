package dev.userhash.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Where the executors find the signing secret. It holds an environment variable's name or a
 * broadcast's handle, never the secret, so it can travel inside a Spark plan: plans, the UI and
 * log lines show the name or the broadcast's id only.
 */
public abstract class SecretSource implements Serializable {
    private static final long serialVersionUID = 1L;

    SecretSource() {}

    /**
     * The executors' environment variable {@code name}: set it with
     * {@code spark.executorEnv.<name>} (Spark hides configuration values whose key matches
     * {@code spark.redaction.regex}, by default anything containing "secret", "password" or
     * "token", in its UI and event logs), or through the cluster's secret injection.
     */
    public static SecretSource env(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("SecretSource.env needs the name of an environment variable");
        }
        return new Env(name);
    }

    /**
     * A broadcast of the secret from the driver: each executor fetches it once, through Spark's
     * block manager, when it first signs.
     */
    public static SecretSource broadcast(SparkSession spark, String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("the secret is null");
        }
        Broadcast<byte[]> handle = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(secret.getBytes(StandardCharsets.UTF_8));
        return new Shared(handle);
    }

    /** The secret, read on an executor. */
    abstract String read();

    /** What names this source in the executors' signer cache (never the secret). */
    abstract String key();

    /** The executors' environment variable. */
    private static final class Env extends SecretSource {
        private static final long serialVersionUID = 1L;
        private final String name;

        Env(String name) {
            this.name = name;
        }

        @Override
        String read() {
            String value = System.getenv(name);
            if (value == null) {
                throw new IllegalStateException("userhash-spark: the environment variable " + name
                        + " is not set on this executor; set spark.executorEnv." + name
                        + " (or the cluster's secret injection) for every executor");
            }
            return value;
        }

        @Override
        String key() {
            return "env:" + name;
        }

        @Override
        public String toString() {
            return "SecretSource.env(" + name + ")";
        }
    }

    /** A broadcast of the secret's UTF-8 bytes. */
    private static final class Shared extends SecretSource {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> handle;

        Shared(Broadcast<byte[]> handle) {
            this.handle = handle;
        }

        @Override
        String read() {
            return new String(handle.value(), StandardCharsets.UTF_8);
        }

        @Override
        String key() {
            return "broadcast:" + handle.id();
        }

        @Override
        public String toString() {
            return "SecretSource.broadcast(" + handle.id() + ")";
        }
    }
}
