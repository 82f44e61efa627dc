package dev.userhash.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.userhash.ExtensionsKt;
import dev.userhash.Signer;
import dev.userhash.UserHash;
import dev.userhash.UserHashException;

/**
 * userhash in Spark (JVM): sign a column of user ids and/or emails where the table lives.
 *
 * <ul>
 *   <li>{@link #signColumn}: a DataFrame function for backfills. Each partition is signed in
 *       batches of 8,192 rows, one call into the native library per batch, on every core of the
 *       executor: never a native call per row.</li>
 *   <li>{@link #register}: a SQL function, {@code userhash_sign(user_id, email)}, for
 *       convenience. Spark calls it once per row, so each row costs one call into the native
 *       library (about a microsecond; see docs/benchmarks.md): prefer {@link #signColumn} for
 *       large tables.</li>
 * </ul>
 *
 * The secret reaches the executors through a {@link SecretSource} (an environment variable of
 * the executors, or a broadcast), never through the plan. A row that cannot be signed (no id and
 * no email, an empty id, an id over the length limit) gets a null token. Timestamped and JWT
 * schemes stamp each batch (or, in SQL, each row) with the executor's clock.
 */
public final class UserHashSpark {
    private UserHashSpark() {}

    /** The secret from the executors' environment variable {@code name} (see {@link SecretSource#env}). */
    public static SecretSource secretFromEnv(String name) {
        return SecretSource.env(name);
    }

    /** The secret as a broadcast from the driver (see {@link SecretSource#broadcast}). */
    public static SecretSource secretBroadcast(SparkSession spark, String secret) {
        return SecretSource.broadcast(spark, secret);
    }

    /**
     * {@code df} with a string column {@code output} appended: each row's token for the identity
     * of its {@code userIdColumn} and/or {@code emailColumn} (either may be null to leave the
     * field out; a null value is an absent field), exactly as {@code Signer.sign} gives it, or
     * null where the row cannot be signed.
     *
     * @param scheme a preset name ({@code "intercom"}) or a custom scheme's spec; checked here, on
     *     the driver, so that a misspelt name fails before any job runs
     * @throws UserHashException for an unknown or invalid scheme
     * @throws IllegalArgumentException for a missing or non-string column, or no column at all
     */
    public static Dataset<Row> signColumn(Dataset<Row> df, String userIdColumn, String emailColumn,
            String output, String scheme, SecretSource secret) throws UserHashException {
        UserHash.scheme(scheme);
        if (secret == null) {
            throw new IllegalArgumentException("no SecretSource: use SecretSource.env or SecretSource.broadcast");
        }
        if (userIdColumn == null && emailColumn == null) {
            throw new IllegalArgumentException("signColumn needs a column of user ids, of emails, or both");
        }
        StructType schema = df.schema();
        int userIdIndex = stringColumn(schema, userIdColumn);
        int emailIndex = stringColumn(schema, emailColumn);
        StructType signed = schema.add(output, DataTypes.StringType, true);
        return df.mapPartitions(new SignPartition(scheme, secret, userIdIndex, emailIndex), Encoders.row(signed));
    }

    /**
     * Registers the SQL function {@code name(user_id, email)} (either argument may be NULL): the
     * token, or NULL where the row cannot be signed. One native call per row; see the class doc.
     *
     * @throws UserHashException for an unknown or invalid scheme
     */
    public static void register(SparkSession spark, String name, String scheme, SecretSource secret)
            throws UserHashException {
        UserHash.scheme(scheme);
        if (secret == null) {
            throw new IllegalArgumentException("no SecretSource: use SecretSource.env or SecretSource.broadcast");
        }
        spark.udf().register(name, new SignRow(scheme, secret), DataTypes.StringType);
    }

    /** The SQL function's body: one row, one lane call. */
    private static final class SignRow implements UDF2<String, String, String> {
        private static final long serialVersionUID = 1L;
        private final String scheme;
        private final SecretSource secret;

        SignRow(String scheme, SecretSource secret) {
            this.scheme = scheme;
            this.secret = secret;
        }

        @Override
        public String call(String userId, String email) {
            Signer signer = Signers.of(scheme, secret);
            try {
                return ExtensionsKt.sign(signer, userId, email);
            } catch (UserHashException unsignable) {
                return null;
            }
        }
    }

    private static int stringColumn(StructType schema, String column) {
        if (column == null) {
            return -1;
        }
        int index;
        try {
            index = schema.fieldIndex(column);
        } catch (IllegalArgumentException missing) {
            throw new IllegalArgumentException("no column " + column + " in " + schema.simpleString());
        }
        if (!schema.fields()[index].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column " + column + " is "
                    + schema.fields()[index].dataType().simpleString() + ", not string");
        }
        return index;
    }
}
