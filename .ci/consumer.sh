#!/usr/bin/env bash
# The packages as a consumer meets them. `.ci/run` calls this after the tests; run it alone with `bash .ci/consumer.sh`.
#
#  1. `dotnet pack -c Release` into a local folder feed (a temporary directory), then checks each package: the readme,
#     the XML docs beside each assembly, a .snupkg with the PDBs, a SourceLink map in each PDB, and the version range of
#     our own packages (JwtSessions.Redis and JwtSessions.Testing need JwtSessions of the same minor version).
#  2. A throw-away console project in a temporary directory references JwtSessions, JwtSessions.Redis and
#     JwtSessions.Testing from that feed (every other package from the sources this machine has configured), with its own
#     empty package cache so nothing comes from an earlier build. It compiles each ```csharp block of README.md exactly as
#     printed, read from README.md now (not a copy), with warnings as errors, and runs it.
#  2b. A throw-away Web SDK project references JwtSessions.AspNetCore from the same feed and compiles the quick start of
#     docs/aspnetcore.md (the ```csharp block under "## Quick start") exactly as printed, with warnings as errors.
#  2c. A throw-away class library references JwtSessions from the same feed and compiles the DPoP client of docs/dpop.md
#     (the ```csharp block under "## A client in C#") exactly as printed, with warnings as errors.
#  3. `dotnet tool install --tool-path` installs the jwtsessions tool from the feed, and `jwtsessions demo` runs from it.
#
# Needs only the .NET SDK and the package sources (for the packages' dependencies). Leaves nothing behind unless
# JWTSESSIONS_KEEP_CONSUMER=1, when it prints where its directory is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/jwtsessions-consumer.XXXXXX")
if [ "${JWTSESSIONS_KEEP_CONSUMER:-0}" = 1 ]; then
  echo "consumer: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
feed="$work/feed"
fail() { echo "consumer: FAILED: $*" >&2; exit 1; }

# unzip reads the packages; installed from the distribution's packages when missing.
if ! command -v unzip >/dev/null; then
  echo "consumer: installing unzip" >&2
  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null; } \
    || fail "unzip is missing and could not be installed"
fi

# --- 1. Pack ------------------------------------------------------------------------------------------------------------
echo "consumer: dotnet pack -c Release -o $feed"
dotnet pack -c Release -o "$feed" -v q -nologo
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' eng/Packaging.props | head -1)
[ -n "$version" ] || fail "no <Version> in eng/Packaging.props"
upper=$(echo "$version" | awk -F. '{ if ($1 == 0) printf "0.%d.0", $2 + 1; else printf "%d.0.0", $1 + 1 }')

nuspec() { unzip -p "$feed/$1.$version.nupkg" "$1.nuspec"; }
for id in JwtSessions JwtSessions.Redis JwtSessions.Testing JwtSessions.AspNetCore JwtSessions.Cli; do
  pkg="$feed/$id.$version.nupkg"
  [ -f "$pkg" ] || fail "$id: no $pkg"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id: no symbols package"
  files=$(unzip -Z1 "$pkg")
  grep -qx 'README.md' <<<"$files" || fail "$id: no README.md in the package"
  nuspec "$id" | grep -q '<readme>README.md</readme>' || fail "$id: the nuspec names no readme"
  nuspec "$id" | grep -q '<repository type="git" url="https://github.com/[^"]*" [^>]*commit="[0-9a-f]\{40\}"' \
    || fail "$id: no repository url and commit in the nuspec"
  nuspec "$id" | grep -q '<license type="expression">MIT</license>' || fail "$id: no licence expression"
  if [ "$id" = JwtSessions.Cli ]; then
    dir=tools/net10.0/any
    grep -q '<packageType name="DotnetTool"' <(nuspec "$id") || fail "$id: not a .NET tool package"
    assemblies="JwtSessions.Cli JwtSessions"
  else
    dir=lib/net10.0
    assemblies=$id
  fi
  for asm in $assemblies; do
    grep -qx "$dir/$asm.dll" <<<"$files" || fail "$id: no $dir/$asm.dll"
    grep -qx "$dir/$asm.xml" <<<"$files" || fail "$id: no XML docs $dir/$asm.xml"
  done
  # The PDB (in the .snupkg for libraries, beside the assembly for the tool) carries the SourceLink map to GitHub.
  rm -rf "$work/pdb" && mkdir -p "$work/pdb"
  if [ "$id" = JwtSessions.Cli ]; then unzip -q "$pkg" "$dir/$id.pdb" -d "$work/pdb"; else unzip -q "$feed/$id.$version.snupkg" "$dir/$id.pdb" -d "$work/pdb"; fi
  grep -aq '"documents":{"[^"]*":"https://raw.githubusercontent.com/[^"]*/[0-9a-f]\{40\}/\*"}' "$work/pdb/$dir/$id.pdb" \
    || fail "$id: no SourceLink map in $id.pdb"
done
for id in JwtSessions.Redis JwtSessions.Testing JwtSessions.AspNetCore; do
  nuspec "$id" | grep -q "<dependency id=\"JwtSessions\" version=\"\[$version, $upper)\"" \
    || fail "$id: its JwtSessions dependency is not [$version, $upper)"
done
echo "consumer: packages ok: $(cd "$feed" && ls | tr '\n' ' ')"

# --- 2. A consumer project ----------------------------------------------------------------------------------------------
# Sources: the feed for our packages only (package source mapping), the configured sources for everything else.
app="$work/app"
mkdir -p "$app" "$work/packages"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"local-feed\" value=\"$feed\" />"
  n=0
  while read -r state url; do
    [ "$state" = E ] || continue
    n=$((n + 1))
    echo "    <add key=\"configured-$n\" value=\"$url\" />"
  done < <(cd "$work" && dotnet nuget list source --format short)
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="local-feed"><package pattern="JwtSessions" /><package pattern="JwtSessions.*" /></packageSource>'
  for i in $(seq 1 "$n"); do echo "    <packageSource key=\"configured-$i\"><package pattern=\"*\" /></packageSource>"; done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$app/nuget.config"
[ "$n" -gt 0 ] || fail "no enabled package source is configured for the packages' dependencies"

# consumer_project SDK PACKAGE...: a net10.0 project as `dotnet new` makes one (implicit usings, nullable), warnings as
# errors, restoring into the empty package cache, referencing our packages at $version.
consumer_project() {
  local sdk=$1
  shift
  echo "<Project Sdk=\"$sdk\">"
  echo '  <PropertyGroup>'
  if [ "$sdk" = Microsoft.NET.Sdk ]; then echo '    <OutputType>Exe</OutputType>'; fi
  echo '    <TargetFramework>net10.0</TargetFramework>'
  echo '    <ImplicitUsings>enable</ImplicitUsings>'
  echo '    <Nullable>enable</Nullable>'
  echo '    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>'
  echo "    <RestorePackagesPath>$work/packages</RestorePackagesPath>"
  echo '  </PropertyGroup>'
  echo '  <ItemGroup>'
  for id in "$@"; do echo "    <PackageReference Include=\"$id\" Version=\"$version\" />"; done
  echo '  </ItemGroup>'
  echo '</Project>'
}
consumer_project Microsoft.NET.Sdk JwtSessions JwtSessions.Redis JwtSessions.Testing > "$app/Consumer.csproj"
# Compiled beside every sample: a conformance fixture as the JwtSessions.Testing readme describes it, and the Redis store's
# options, so the build proves that both packages (and their dependencies) resolve and are usable.
cat > "$app/PackageSurface.cs" <<'EOF'
using JwtSessions.Redis;
using JwtSessions.Sessions;
using JwtSessions.Testing;

internal sealed class InMemoryStoreConformance : SessionStoreConformanceTests
{
    protected override ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore>(new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider }));

    internal static string RedisPrefix() => new RedisSessionStoreOptions().KeyPrefix;
}
EOF

# The ```csharp blocks of README.md, in order, each to its own file.
awk -v dir="$work" '
  /^```csharp[[:space:]]*$/ { n++; out = sprintf("%s/sample-%d.cs", dir, n); inside = 1; next }
  /^```[[:space:]]*$/ && inside { inside = 0; close(out); next }
  inside { print > out }
  END { if (inside) exit 2 }
' README.md || fail "README.md: a \`\`\`csharp block is not closed"
samples=$(ls "$work"/sample-*.cs 2>/dev/null | sort -V || true)
[ -n "$samples" ] || fail "README.md has no \`\`\`csharp block"

echo "consumer: restore (our packages from the feed, the rest from the configured sources)"
(cd "$app" && dotnet restore -v q -nologo -clp:NoSummary)
for sample in $samples; do
  name=$(basename "$sample" .cs)
  cp "$sample" "$app/Program.cs"
  echo "consumer: README $name ($(wc -l < "$sample") lines): build and run"
  (cd "$app" && dotnet build -c Release --no-restore -v q -nologo -clp:NoSummary) || fail "README $name does not compile against the packages"
  (cd "$app" && dotnet run -c Release --no-build) > "$work/$name.out" 2>&1 || { cat "$work/$name.out" >&2; fail "README $name exited non-zero"; }
  sed 's/^/consumer:   | /' "$work/$name.out"
done
# The access-token sample prints the subject and scopes of the token it validated.
grep -q '^user user-42, scopes orders:read$' "$work"/sample-*.out || fail "no README sample printed 'user user-42, scopes orders:read'"

# --- 2b. The ASP.NET Core quick start -------------------------------------------------------------------------------------
# The ```csharp block under "## Quick start" in docs/aspnetcore.md, as printed, in a Web SDK project (its implicit usings,
# as `dotnet new web` has them) against JwtSessions.AspNetCore from the feed; same sources and empty package cache.
web="$work/web"
mkdir -p "$web"
cp "$app/nuget.config" "$web/nuget.config"
consumer_project Microsoft.NET.Sdk.Web JwtSessions.AspNetCore > "$web/QuickStart.csproj"
awk '
  /^## / { section = ($0 == "## Quick start") }
  section && /^```csharp[[:space:]]*$/ && !done { inside = 1; next }
  inside && /^```[[:space:]]*$/ { inside = 0; done = 1; next }
  inside { print }
  END { if (inside) exit 2; if (!done) exit 3 }
' docs/aspnetcore.md > "$web/Program.cs" || fail "docs/aspnetcore.md: no closed \`\`\`csharp block under \"## Quick start\""
echo "consumer: docs/aspnetcore.md quick start ($(wc -l < "$web/Program.cs") lines): restore and build against JwtSessions.AspNetCore $version"
(cd "$web" && dotnet restore -v q -nologo -clp:NoSummary && dotnet build -c Release --no-restore -v q -nologo -clp:NoSummary) \
  || fail "the quick start of docs/aspnetcore.md does not compile against the packages"
# The package that compiled it is the one just packed, byte for byte.
restored=$(find "$work/packages" -iname "jwtsessions.aspnetcore.$version.nupkg" | head -1)
[ -n "$restored" ] && cmp -s "$restored" "$feed/JwtSessions.AspNetCore.$version.nupkg" \
  || fail "the quick start was not built against the JwtSessions.AspNetCore package just packed"

# --- 2c. The DPoP client of docs/dpop.md -----------------------------------------------------------------------------------
# Types only (a handler and a client class), so a class library; same sources and empty package cache.
dpop="$work/dpop"
mkdir -p "$dpop"
cp "$app/nuget.config" "$dpop/nuget.config"
consumer_project Microsoft.NET.Sdk JwtSessions | sed 's:<OutputType>Exe</OutputType>:<OutputType>Library</OutputType>:' > "$dpop/DpopClient.csproj"
awk '
  /^## / { section = ($0 == "## A client in C#") }
  section && /^```csharp[[:space:]]*$/ && !done { inside = 1; next }
  inside && /^```[[:space:]]*$/ { inside = 0; done = 1; next }
  inside { print }
  END { if (inside) exit 2; if (!done) exit 3 }
' docs/dpop.md > "$dpop/DpopClient.cs" || fail "docs/dpop.md: no closed \`\`\`csharp block under \"## A client in C#\""
echo "consumer: docs/dpop.md client ($(wc -l < "$dpop/DpopClient.cs") lines): restore and build against JwtSessions $version"
(cd "$dpop" && dotnet restore -v q -nologo -clp:NoSummary && dotnet build -c Release --no-restore -v q -nologo -clp:NoSummary) \
  || fail "the DPoP client of docs/dpop.md does not compile against the packages"

# --- 3. The tool --------------------------------------------------------------------------------------------------------
echo "consumer: dotnet tool install JwtSessions.Cli --tool-path $work/tool --add-source $feed"
# From the temporary directory (not the app's, whose source mapping --add-source may not be combined with): the user's
# sources plus the feed. The installed package must be the one just packed, byte for byte.
(cd "$work" && dotnet tool install JwtSessions.Cli --version "$version" --tool-path "$work/tool" --add-source "$feed" -v q)
installed=$(find "$work/tool/.store" -iname "jwtsessions.cli.$version.nupkg" | head -1)
[ -n "$installed" ] && cmp -s "$installed" "$feed/JwtSessions.Cli.$version.nupkg" \
  || fail "the installed tool is not the package just packed (another source served JwtSessions.Cli $version?)"
"$work/tool/jwtsessions" demo > "$work/demo.out" 2>&1 || { cat "$work/demo.out" >&2; fail "jwtsessions demo exited non-zero"; }
tail -n 3 "$work/demo.out" | sed 's/^/consumer:   | /'
grep -q '^Done: ' "$work/demo.out" || fail "jwtsessions demo did not finish"
echo "consumer: ok ($(echo "$samples" | wc -l) README samples, the docs/aspnetcore.md quick start, the docs/dpop.md client, 5 packages, jwtsessions demo)"
