using System.Security.Cryptography;
using System.Text;

namespace MobileBackend;

/// <summary>
/// The sample's user directory: one fixed demo user whose password is kept only as a PBKDF2-SHA256 hash (600,000 iterations,
/// a 16-byte random salt, the OWASP recommendation for PBKDF2-HMAC-SHA256), computed at start-up from configuration.
/// </summary>
/// <remarks>
/// A password check compares the derived hash with <see cref="CryptographicOperations.FixedTimeEquals"/>, and an unknown user
/// name costs the same derivation against a dummy hash, so neither the comparison nor the user lookup tells an attacker how
/// close a guess was or whether the name exists. A real app keeps its users in a database and would use ASP.NET Core
/// Identity's <c>PasswordHasher</c> or a memory-hard hash (Argon2id); the shape of the check stays the same.
/// </remarks>
internal sealed class DemoUserStore
{
    private const int Iterations = 600_000;
    private const int HashSize = 32;

    private readonly DemoUser _user;
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _hash;
    private readonly byte[] _dummySalt = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _dummyHash = RandomNumberGenerator.GetBytes(HashSize);

    public DemoUserStore(DemoUser user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _user = user;
        _hash = Derive(password, _salt);
    }

    /// <summary>The user whose name and password match, else null; takes the same time for an unknown name.</summary>
    public DemoUser? Authenticate(string? userName, string? password)
    {
        var known = string.Equals(userName, _user.UserName, StringComparison.Ordinal);
        var derived = Derive(password ?? string.Empty, known ? _salt : _dummySalt);
        var matches = CryptographicOperations.FixedTimeEquals(derived, known ? _hash : _dummyHash);
        return known && matches ? _user : null;
    }

    private static byte[] Derive(string password, byte[] salt)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashSize);
}
