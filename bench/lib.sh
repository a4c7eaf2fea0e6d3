# Shared by the bench scripts (source it after `cd` to the repository root).

# barman_binary [path]: prints the binary to measure: the given one, or out/barman freshly published.
barman_binary() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  dotnet publish src/Barman.Cli -c Release -o out >/dev/null
  echo out/barman
}

# need_hyperfine: installs Debian's hyperfine when missing.
need_hyperfine() {
  command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
}
