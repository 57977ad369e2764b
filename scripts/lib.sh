# Shared by the launchers, mvnw-jdk and the bench scripts (sourced, not run): finds a JDK >= 21, rebuilds a stale
# jar, then runs it.
corral_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# corral_quiet_jvm_flags JAVA_HOME: prints the JVM flags that keep a library built for older JDKs quiet. JDK 24+
# warns on every run when code calls sun.misc.Unsafe (Maven 3.8's Guava, JMH); the flag that allows it silently
# exists from JDK 23 on, and an older JVM would refuse to start with it, hence the version check.
corral_quiet_jvm_flags() {
  local major
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
  if (( ${major:-0} >= 23 )); then echo "--sun-misc-unsafe-memory-access=allow"; fi
}

# corral_run_jar MODULE JAR [ARGS...]: builds MODULE (and what it depends on) when JAR, relative to the
# repository root, is missing or older than any pom or source file, then replaces this shell with java -jar JAR.
# CORRAL_JAVA_OPTS, if set, goes to the JVM (for example -Xmx2g).
corral_run_jar() {
  local module=$1 jar=$corral_root/$2
  shift 2
  local java_home
  java_home=$("$corral_root/scripts/find-jdk")
  # Any module's change counts: a jar contains its dependencies, and a needless rebuild only costs time.
  if [[ ! -f $jar ]] || [[ -n $(find "$corral_root/pom.xml" "$corral_root"/*/pom.xml "$corral_root"/*/src \
      -newer "$jar" -type f -print -quit) ]]; then
    echo "building ${jar#"$corral_root"/} ..." >&2
    # Maven's output goes to stderr so that the command's stdout (for example --json) stays clean.
    JAVA_HOME=$java_home "$corral_root/scripts/mvnw-jdk" -B -q -DskipTests -pl "$module" -am package >&2
  fi
  local -a java_opts=()
  read -r -a java_opts <<< "${CORRAL_JAVA_OPTS:-}"
  exec "$java_home/bin/java" "${java_opts[@]}" -jar "$jar" "$@"
}
