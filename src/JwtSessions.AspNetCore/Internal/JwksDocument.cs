using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Sessions;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The access tokens' public JWK set (<see cref="Signing.KeyRing.ToJwks"/>: public halves only, symmetric keys left out) and
/// its strong ETag (a SHA-256 of the bytes), built once: the manager's keys do not change while it runs.
/// </summary>
internal sealed class JwksDocument(SessionManager manager)
{
    private readonly Lazy<(byte[] Body, string ETag)> _document = new(() =>
    {
        var body = Encoding.UTF8.GetBytes(manager.AccessTokenValidator.Keys.ToJwks());
        return (body, "\"" + Base64Url.EncodeToString(SHA256.HashData(body)) + "\"");
    });

    public byte[] Body => _document.Value.Body;

    public string ETag => _document.Value.ETag;
}
