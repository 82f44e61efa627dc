package dev.userhash.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import dev.userhash.ExtensionsKt;
import dev.userhash.Identity;
import dev.userhash.Signer;
import dev.userhash.UserHashException;

/**
 * Signs one partition: rows are read in batches of {@link #BATCH_ROWS}, each batch signed with
 * one call into the library's fast lane (the packed batch, on every core), and each row comes
 * back with its token appended — null where it cannot be signed. Serialized into the plan with
 * the scheme and where the secret is, nothing else.
 */
final class SignPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** Rows per lane call: large enough that the call's cost vanishes, small enough that a
     *  batch's rows and tokens stay a few megabytes. */
    static final int BATCH_ROWS = 8192;

    private final String scheme;
    private final SecretSource secret;
    private final int userIdIndex;
    private final int emailIndex;

    /** {@code userIdIndex} and {@code emailIndex} are the columns' positions, -1 for none. */
    SignPartition(String scheme, SecretSource secret, int userIdIndex, int emailIndex) {
        this.scheme = scheme;
        this.secret = secret;
        this.userIdIndex = userIdIndex;
        this.emailIndex = emailIndex;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        Signer signer = Signers.of(scheme, secret);
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(BATCH_ROWS);
            private List<String> tokens = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < batch.size()) {
                    return true;
                }
                batch.clear();
                next = 0;
                List<Identity> identities = new ArrayList<>(BATCH_ROWS);
                while (batch.size() < BATCH_ROWS && rows.hasNext()) {
                    Row row = rows.next();
                    batch.add(row);
                    identities.add(new Identity(field(row, userIdIndex), field(row, emailIndex)));
                }
                tokens = identities.isEmpty() ? List.of() : signBatch(signer, identities);
                return !batch.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row row = batch.get(next);
                Object[] values = new Object[row.size() + 1];
                for (int i = 0; i < row.size(); i++) {
                    values[i] = row.get(i);
                }
                values[row.size()] = tokens.get(next);
                next++;
                return RowFactory.create(values);
            }
        };
    }

    /** One lane call; only what stops a whole batch (the clock) throws, and fails the task. */
    private static List<String> signBatch(Signer signer, List<Identity> identities) {
        try {
            return ExtensionsKt.signManyIdentitiesOrNull(signer, identities);
        } catch (UserHashException whole) {
            throw new IllegalStateException("userhash-spark: " + whole.getMessage(), whole);
        }
    }

    private static String field(Row row, int index) {
        return index < 0 || row.isNullAt(index) ? null : row.getString(index);
    }
}
