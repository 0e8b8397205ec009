using System.Text.Json.Nodes;

namespace JwtSessions.Tests.Vectors;

/// <summary>One entry of <c>tests/vectors/rfc/rfc-vectors.json</c>: an RFC example JWS with its key as a JWK.</summary>
public sealed class RfcVector
{
    internal RfcVector(JsonObject entry)
    {
        Id = (string)entry["id"]!;
        Jwk = entry["jwk"]!.ToJsonString();
        Token = (string)entry["token"]!;
        Header = (string)entry["header"]!;
        Payload = (string)entry["payload"]!;
        Deterministic = (bool)entry["deterministic"]!;
        Thumbprint = (string?)entry["thumbprint"];
    }

    /// <summary>Gets the id, e.g. <c>RFC7515-A.1-HS256</c>.</summary>
    public string Id { get; }

    /// <summary>Gets the key, private members included.</summary>
    public string Jwk { get; }

    public string Token { get; }

    /// <summary>Gets the exact decoded protected header.</summary>
    public string Header { get; }

    /// <summary>Gets the exact decoded payload.</summary>
    public string Payload { get; }

    /// <summary>Gets a value indicating whether re-signing reproduces the token (HMAC, RSA PKCS#1 v1.5, Ed25519).</summary>
    public bool Deterministic { get; }

    /// <summary>Gets the RFC 7638 thumbprint the RFC gives for the key, if any.</summary>
    public string? Thumbprint { get; }

    /// <summary>Gets the algorithm the token's header names.</summary>
    public string Algorithm => (string)JsonNode.Parse(Header)!["alg"]!;

    public override string ToString() => Id;
}
