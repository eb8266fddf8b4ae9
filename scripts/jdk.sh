# Sourced by ./nodenet, ./run-tests and .ci/run: selects JDK 25 without the user exporting anything.
# Order: $NODENET_JAVA_HOME, $JAVA_HOME if it is a JDK 25+, the Temurin 25 install, any other JDK >= 25 under /usr/lib/jvm.
nodenet_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2; exit}'; }
nodenet_select_jdk() {
  local c
  for c in "${NODENET_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    local v; v=$(nodenet_java_major "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then export JAVA_HOME="$c"; return 0; fi
  done
  echo "nodenet: no JDK 25 found (looked at \$NODENET_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "nodenet: install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64 or point NODENET_JAVA_HOME at a JDK 25." >&2
  return 1
}
nodenet_select_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled Guava touches sun.misc.Unsafe; JDK 25 warns about it on every build. Quiet that one warning.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
