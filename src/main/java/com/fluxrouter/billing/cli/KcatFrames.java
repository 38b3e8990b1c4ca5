package com.fluxrouter.billing.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the records that {@code kcat -C -f '%K %k %S %s\n'} prints: key length, a space, the key's raw bytes, a
 * space, value length, a space, the value's raw bytes, a newline. Lengths make it binary-safe (Avro bytes may hold
 * newlines); kcat prints -1 for a null key or value.
 */
final class KcatFrames {
    /** One record's raw key and value; null where kcat printed length -1. */
    record Frame(byte[] key, byte[] value) {
    }

    private final InputStream in;

    KcatFrames(InputStream in) {
        this.in = in;
    }

    /** The next record, or null at the end of the stream. */
    Frame next() throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        byte[] key = bytes(length(first));
        expect(' ');
        byte[] value = bytes(length(in.read()));
        expect('\n');
        return new Frame(key, value);
    }

    /** A decimal length ended by a space, starting with an already read character. */
    private int length(int first) throws IOException {
        StringBuilder digits = new StringBuilder();
        for (int c = first; c != ' '; c = in.read()) {
            if (c == -1 || digits.length() > 10 || !(Character.isDigit(c) || (c == '-' && digits.isEmpty()))) {
                throw new IOException("not kcat output in the format -f '%K %k %S %s\\n' (bad length near '"
                        + digits + (c == -1 ? "<end>" : (char) c) + "')");
            }
            digits.append((char) c);
        }
        return Integer.parseInt(digits.toString());
    }

    private byte[] bytes(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("kcat output ends inside a record");
        }
        return bytes;
    }

    private void expect(char separator) throws IOException {
        int c = in.read();
        if (c != separator) {
            throw new IOException("not kcat output in the format -f '%K %k %S %s\\n' (expected "
                    + (separator == '\n' ? "a newline" : "'" + separator + "'") + " after a record's bytes, got "
                    + (c == -1 ? "the end" : new String(new byte[] {(byte) c}, StandardCharsets.ISO_8859_1)) + ")");
        }
    }
}
