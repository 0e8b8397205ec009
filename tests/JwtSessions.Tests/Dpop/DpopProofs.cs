using System.Buffers.Text;
using System.Text;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Dpop;

/// <summary>Builds DPoP proofs for tests, from parts a test may spoil one at a time.</summary>
internal static class DpopProofs
{
    public const string Method = "GET";
    public const string Url = "https://api.example.com/orders";

    public static readonly Uri Target = new(Url);

    public static string Create(
        SigningKey key,
        long? iat = null,
        string htm = Method,
        string htu = Url,
        string? jti = null,
        string? ath = null,
        string? nonce = null)
        => Sign(key, Header(key), Payload(iat ?? TestClock.StartSeconds, htm, htu, jti, ath, nonce));

    public static string Header(SigningKey key, string typ = "dpop+jwt", string? alg = null, string? jwk = null)
        => $"{{\"typ\":\"{typ}\",\"alg\":\"{alg ?? key.Algorithm.GetName()}\",\"jwk\":{jwk ?? key.ToJwk()}}}";

    public static string Payload(long iat, string htm = Method, string htu = Url, string? jti = null, string? ath = null, string? nonce = null)
    {
        var json = new StringBuilder();
        json.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"jti\":\"{jti ?? Guid.NewGuid().ToString("N")}\",\"htm\":\"{htm}\",\"htu\":\"{htu}\",\"iat\":{iat}");
        if (ath is not null)
        {
            json.Append(System.Globalization.CultureInfo.InvariantCulture, $",\"ath\":\"{ath}\"");
        }

        if (nonce is not null)
        {
            json.Append(System.Globalization.CultureInfo.InvariantCulture, $",\"nonce\":\"{nonce}\"");
        }

        return json.Append('}').ToString();
    }

    public static string Sign(SigningKey key, string header, string payload)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = new byte[1024];
        var length = key.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature.AsSpan(0, length));
    }

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string Ath(string accessToken)
        => Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
}
