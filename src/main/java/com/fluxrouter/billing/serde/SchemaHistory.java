package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every released version of a record's schema, as the project keeps them on the classpath: resource
 * {@code schemas/history/<Record>/v1.avsc}, {@code v2.avsc}, ... (source folder {@code src/main/resources}), each the
 * full schema as that release wrote it, nested records inline. Versions are numbered from 1 without gaps; the
 * highest is the current schema ({@code SchemaEvolutionTest} holds both). The single-object serde resolves data
 * written with any of them into the current classes (docs/operations.md, "Evolving a schema").
 */
public final class SchemaHistory {
    /** Classpath folder of the kept versions, one subfolder per record (simple name). */
    public static final String ROOT = "schemas/history/";

    private SchemaHistory() {
    }

    /** Resource path of version {@code version} (1-based) of record {@code recordName} (simple name, e.g. MonthLedger). */
    public static String resource(String recordName, int version) {
        return ROOT + recordName + "/v" + version + ".avsc";
    }

    /**
     * The kept versions of a record, oldest (v1) first; empty when none is kept. Reads v1, v2, ... until the first
     * missing number.
     *
     * @param recordName the record's simple name, e.g. {@code MonthLedger}
     * @return every kept writer schema, each parsed on its own (a version is self-contained)
     * @throws IllegalStateException when a kept file is unreadable or not a valid schema: a broken build, not data
     */
    public static List<Schema> versions(String recordName) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (int version = 1; ; version++) {
            String resource = resource(recordName, version);
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the kept schema " + resource, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("the kept schema " + resource + " is not a valid schema: "
                        + e.getMessage(), e);
            }
        }
    }
}
