package dev.sextant.bench.jmh;

/** JVM flags every fork gets: chronicle-bytes (tsdb.mem) needs them on Java 17. */
final class Flags {
    static final String ADD_OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String ADD_OPENS_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String ADD_EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private Flags() {}
}
