package dev.sextant.api.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * The escapes of Go's encoding/json with HTML escaping on, which Prometheus's API uses (it
 * marshals with a standard-library-compatible encoder): JSON's standard escapes, {@code <},
 * {@code >} and {@code &} as {@code \u003c}, {@code \u003e} and {@code \u0026} (lower-case hex,
 * as Go writes them), and {@code \u2028} and {@code \u2029}, which are legal raw in JSON but end
 * a line in JavaScript. So a label value holding {@code <script>} or a line separator comes out
 * byte for byte as Prometheus writes it and cannot break a client that embeds a response in a
 * page or a script. Immutable.
 */
final class LineSeparatorEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final LineSeparatorEscapes INSTANCE = new LineSeparatorEscapes();

    private static final int[] ASCII = asciiEscapes();
    private static final SerializedString LT = new SerializedString("\\u003c");
    private static final SerializedString GT = new SerializedString("\\u003e");
    private static final SerializedString AMP = new SerializedString("\\u0026");
    private static final SerializedString LS = new SerializedString("\\u2028");
    private static final SerializedString PS = new SerializedString("\\u2029");

    private static int[] asciiEscapes() {
        int[] esc = standardAsciiEscapesForJSON();
        esc['<'] = ESCAPE_CUSTOM;
        esc['>'] = ESCAPE_CUSTOM;
        esc['&'] = ESCAPE_CUSTOM;
        return esc;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        switch (ch) {
            case '<':
                return LT;
            case '>':
                return GT;
            case '&':
                return AMP;
            case 0x2028:
                return LS;
            case 0x2029:
                return PS;
            default:
                return null;
        }
    }
}
