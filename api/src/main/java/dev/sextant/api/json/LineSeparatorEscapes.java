package dev.sextant.api.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * JSON's standard escapes plus {@code \u2028} and {@code \u2029}, as Go's encoding/json (and so
 * Prometheus's API) writes them: both are legal raw in JSON but end a line in JavaScript, so a
 * label value holding one could break a client that embeds a response in a script. Immutable.
 */
final class LineSeparatorEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final LineSeparatorEscapes INSTANCE = new LineSeparatorEscapes();

    private static final int[] ASCII = standardAsciiEscapesForJSON();
    private static final SerializedString LS = new SerializedString("\\u2028");
    private static final SerializedString PS = new SerializedString("\\u2029");

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return ch == 0x2028 ? LS : ch == 0x2029 ? PS : null;
    }
}
