using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Support;

/// <summary>A scratch directory for key files, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jwtsessions-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteKey(SigningKey key, string? name = null, bool includePrivateKey = true)
        => Write(name ?? $"{key.KeyId}.jwk", key.ToJwk(includePrivateKey));

    public string Missing(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
