# Sourced by the bench scripts: builds a module's test classpath (the updater's unless "$2"
# names another module) from this tree and copies it under "$1/cp", then sets $cp. -am: the
# sibling modules come from this tree's reactor (their target/classes), not from whatever
# SNAPSHOT jars ~/.m2 holds; nothing is installed.
# The copies are private so that a rebuild or re-install during the run cannot pull classes away.
bench_classpath() {
  local dir="$1" module="${2:-updater}" i=0 e copy
  mvn -o -q -B -pl "$module" -am test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
  rm -rf "$dir/cp" && mkdir -p "$dir/cp"
  cp -r "$module/target/test-classes" "$dir/cp/test-classes"
  mkdir -p "$dir/cp/classes"  # a test-only module has no classes of its own
  [ -d "$module/target/classes" ] && cp -r "$module/target/classes/." "$dir/cp/classes/"
  cp="$dir/cp/test-classes:$dir/cp/classes"
  local entries
  IFS=: read -ra entries < "$module/target/bench.classpath" || true  # no trailing newline
  for e in "${entries[@]}"; do  # reactor modules are class directories: numbered so "classes" cannot collide
    i=$((i + 1)); copy="$dir/cp/$i-$(basename "$e")"
    cp -r "$e" "$copy"; cp="$cp:$copy"
  done
}
