# PATgate's Java discovery, shared by bin/patgate (to run) and ./mvnw (to build). Sourced, not run;
# POSIX sh. PATgate needs Java 21 or newer:
#   1. JAVA_HOME, when set and 21 or newer;
#   2. else java on the PATH, when it is 21 or newer (for the build: with javac beside it);
#   3. else the newest JDK 21+ in the usual install places (PATGATE_JDK_SEARCH, colon-separated
#      directories holding JDKs, replaces that list);
#   4. none: one line saying what was found and what to install.
# patgate_find_java KIND WHO (KIND "run" needs java, "build" java and javac; WHO prefixes messages)
# sets PATGATE_JAVA_CMD and PATGATE_JAVA_MAJOR, and PATGATE_JAVA_HOME when the JDK chosen is not
# the one JAVA_HOME or the PATH named (callers export it as JAVA_HOME), with PATGATE_JAVA_PASSED_OVER
# saying why; it returns 1 after printing the reason to stderr.

patgate_java_major() {
  _pj_home="$(dirname "$(dirname "$(readlink -f "$1" 2>/dev/null || printf %s "$1")")")"
  _pj_version=""
  if [ -f "$_pj_home/release" ]; then
    _pj_version="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$_pj_home/release")"
  fi
  if [ -z "$_pj_version" ]; then
    _pj_version="$("$1" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = *//p')" || _pj_version=""
  fi
  case "$_pj_version" in 1.*) _pj_version="${_pj_version#1.}" ;; esac
  _pj_version="${_pj_version%%[!0-9]*}"
  printf '%s\n' "${_pj_version:-0}"
}

patgate_jdk_search_dirs() {
  printf '%s\n' "${PATGATE_JDK_SEARCH:-/usr/lib/jvm:/usr/java:/opt/java:/opt:${HOME:-/nonexistent}/.sdkman/candidates/java:${HOME:-/nonexistent}/.jdks:/Library/Java/JavaVirtualMachines:/opt/homebrew/opt:/usr/local/opt}"
}

# Prints "MAJOR HOME" of the newest JDK 21+ in the search directories, or nothing.
patgate_search_jdk() {
  _pj_best=""
  _pj_best_major=0
  _pj_glob_was_off=false
  case "$-" in *f*) _pj_glob_was_off=true; set +f ;; esac
  _pj_old_ifs="$IFS"
  IFS=:
  for _pj_dir in $(patgate_jdk_search_dirs); do
    IFS="$_pj_old_ifs"
    for _pj_candidate in "$_pj_dir"/* "$_pj_dir"/*/Contents/Home "$_pj_dir"/*/libexec/openjdk.jdk/Contents/Home; do
      [ -x "$_pj_candidate/bin/java" ] || continue
      [ "$1" != build ] || [ -x "$_pj_candidate/bin/javac" ] || continue
      _pj_major="$(patgate_java_major "$_pj_candidate/bin/java")"
      if [ "$_pj_major" -ge 21 ] 2>/dev/null && [ "$_pj_major" -gt "$_pj_best_major" ]; then
        _pj_best="$_pj_candidate"
        _pj_best_major="$_pj_major"
      fi
    done
  done
  IFS="$_pj_old_ifs"
  [ "$_pj_glob_was_off" = false ] || set -f
  [ -z "$_pj_best" ] || printf '%s %s\n' "$_pj_best_major" "$_pj_best"
}

patgate_find_java() {
  PATGATE_JAVA_CMD=""
  PATGATE_JAVA_HOME=""
  PATGATE_JAVA_MAJOR=0
  PATGATE_JAVA_PASSED_OVER=""
  _pj_seen=""
  if [ "$1" = build ]; then _pj_need="a JDK 21 or newer to build"; else _pj_need="Java 21 or newer"; fi
  if [ -n "${JAVA_HOME:-}" ]; then
    if [ ! -x "$JAVA_HOME/bin/java" ] || { [ "$1" = build ] && [ ! -x "$JAVA_HOME/bin/javac" ]; }; then
      _pj_seen="JAVA_HOME ($JAVA_HOME) is not a JDK"
    else
      PATGATE_JAVA_MAJOR="$(patgate_java_major "$JAVA_HOME/bin/java")"
      if [ "$PATGATE_JAVA_MAJOR" -ge 21 ] 2>/dev/null; then
        PATGATE_JAVA_CMD="$JAVA_HOME/bin/java"
        return 0
      fi
      _pj_seen="JAVA_HOME ($JAVA_HOME) is Java $PATGATE_JAVA_MAJOR"
    fi
  fi
  _pj_path_java="$(command -v java 2>/dev/null || true)"
  if [ -n "$_pj_path_java" ]; then
    _pj_path_major="$(patgate_java_major "$_pj_path_java")"
    if [ "$_pj_path_major" -ge 21 ] 2>/dev/null && { [ "$1" != build ] || command -v javac >/dev/null 2>&1; }; then
      PATGATE_JAVA_CMD="$_pj_path_java"
      PATGATE_JAVA_MAJOR="$_pj_path_major"
      if [ -n "$_pj_seen" ]; then
        # JAVA_HOME was set but unusable: point it at this JDK, so Maven does not use the old one.
        PATGATE_JAVA_PASSED_OVER="$_pj_seen"
        PATGATE_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$_pj_path_java" 2>/dev/null || printf %s "$_pj_path_java")")")"
      fi
      return 0
    fi
    _pj_seen="${_pj_seen:+$_pj_seen and }java on the PATH is Java $_pj_path_major"
  else
    _pj_seen="${_pj_seen:+$_pj_seen and }there is no java on the PATH"
  fi
  PATGATE_JAVA_PASSED_OVER="$_pj_seen"
  _pj_found="$(patgate_search_jdk "$1")"
  if [ -n "$_pj_found" ]; then
    PATGATE_JAVA_MAJOR="${_pj_found%% *}"
    PATGATE_JAVA_HOME="${_pj_found#* }"
    PATGATE_JAVA_CMD="$PATGATE_JAVA_HOME/bin/java"
    return 0
  fi
  echo "$2: PATgate needs $_pj_need, but $_pj_seen, and no JDK 21+ is in $(patgate_jdk_search_dirs | sed 's/:/, /g'); install one (e.g. Temurin 21 from https://adoptium.net, or the openjdk-21-jdk package) or set JAVA_HOME to it." >&2
  return 1
}
