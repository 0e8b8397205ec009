using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>
/// An immutable set of keys by <c>kid</c>: at most one active signing key and any number of verification keys,
/// so keys rotate without downtime.
/// </summary>
/// <remarks>
/// <para>
/// Rotation: publish the next key with <see cref="WithKey"/> (verification only), promote it with <see cref="WithActiveKey"/>
/// once every validator has it, and retire the old one with <see cref="WithoutKey"/> after the longest token lifetime.
/// </para>
/// <para>
/// Lookup: a token with a <c>kid</c> uses exactly that key; an unknown <c>kid</c> is rejected, with no fallback. A token without
/// a <c>kid</c> is verified by the one key of the ring whose algorithm matches its <c>alg</c> if there is exactly one, else rejected.
/// </para>
/// </remarks>
/// <threadsafety>Immutable: every "With" method returns a new ring. Safe to share.</threadsafety>
public sealed class KeyRing
{
    private readonly SigningKey[] _keys;

    private KeyRing(SigningKey[] keys, SigningKey? activeKey)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (!seen.Add(key.KeyId))
            {
                throw new InvalidSigningKeyException($"The key id '{key.KeyId}' appears twice; key ids in a ring are unique.");
            }
        }

        if (activeKey is { CanSign: false })
        {
            throw new InvalidSigningKeyException($"The active key '{activeKey.KeyId}' has no private part and cannot sign.");
        }

        _keys = keys;
        Keys = Array.AsReadOnly(keys);
        ActiveKey = activeKey;
    }

    /// <summary>Gets the key new tokens are signed with, or <see langword="null"/> for a verification-only ring.</summary>
    public SigningKey? ActiveKey { get; }

    /// <summary>Gets every key of the ring, the active one included.</summary>
    /// <value>A read-only view: the ring's own array never leaves it, so no cast can change a ring after its checks.</value>
    public IReadOnlyList<SigningKey> Keys { get; }

    /// <summary>Creates a ring that signs with <paramref name="activeKey"/> and also verifies with <paramref name="verificationKeys"/>.</summary>
    /// <param name="activeKey">The signing key.</param>
    /// <param name="verificationKeys">Further keys that only verify (the previous or the next key of a rotation).</param>
    /// <returns>The ring.</returns>
    /// <exception cref="InvalidSigningKeyException">The active key cannot sign, or two keys share a key id.</exception>
    public static KeyRing Create(SigningKey activeKey, params IEnumerable<SigningKey> verificationKeys)
    {
        ArgumentNullException.ThrowIfNull(activeKey);
        ArgumentNullException.ThrowIfNull(verificationKeys);
        return new KeyRing([activeKey, .. verificationKeys], activeKey);
    }

    /// <summary>Creates a ring that only verifies, as an API server that never mints tokens has.</summary>
    /// <param name="keys">The verification keys.</param>
    /// <returns>The ring.</returns>
    /// <exception cref="InvalidSigningKeyException">Two keys share a key id.</exception>
    public static KeyRing ForVerification(params IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new KeyRing([.. keys], null);
    }

    /// <summary>Imports a JWK set (RFC 7517 §5) as a verification ring.</summary>
    /// <param name="json">The JWK set.</param>
    /// <returns>A verification-only ring of its keys.</returns>
    /// <exception cref="InvalidSigningKeyException">The set is not valid, mixes private, public and symmetric keys, or any key breaks a key rule.</exception>
    public static KeyRing FromJwks(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JwkJson.CheckSet(json);
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json) { SkipUnresolvedJsonWebKeys = false };
        }
        catch (ArgumentException ex)
        {
            throw new InvalidSigningKeyException("The JWK set is not a valid JSON object with a \"keys\" array.", ex);
        }

        return FromJsonWebKeySet(set);
    }

    /// <summary>Imports Microsoft.IdentityModel's <see cref="JsonWebKeySet"/> as a verification ring.</summary>
    /// <param name="set">The JWK set.</param>
    /// <returns>A verification-only ring of its keys.</returns>
    /// <remarks>Keys with <c>"use":"enc"</c> are encryption keys and are skipped; every other key must import.</remarks>
    /// <exception cref="InvalidSigningKeyException">
    /// The set has no key once encryption keys are skipped, mixes private, public and symmetric keys, or a key breaks a key rule.
    /// </exception>
    public static KeyRing FromJsonWebKeySet(JsonWebKeySet set)
    {
        ArgumentNullException.ThrowIfNull(set);

        // An identity provider's set often carries encryption keys beside its signing keys. Those are not for verifying
        // signatures (RFC 7517 §4.2) and are left out; every other key must import, and at least one must remain.
        var keys = set.Keys
            .Where(static jwk => !string.Equals(jwk.Use, JsonWebKeyUseNames.Enc, StringComparison.Ordinal))
            .Select(static jwk => SigningKey.FromJsonWebKey(jwk))
            .ToArray();
        if (keys.Length == 0)
        {
            throw new InvalidSigningKeyException("The JWK set has no signature key: it is empty, or every key has \"use\":\"enc\".");
        }

        var kinds = keys.Select(static k => k.KeyType == SigningKeyType.Symmetric ? 0 : k.CanSign ? 1 : 2).Distinct().Count();
        if (kinds > 1)
        {
            throw new InvalidSigningKeyException("The JWK set mixes symmetric, private and public keys; a set holds one kind only.");
        }

        return ForVerification(keys);
    }

    /// <summary>Returns a ring with <paramref name="key"/> added as a verification key.</summary>
    /// <param name="key">The key, typically the next key of a rotation.</param>
    /// <returns>The new ring.</returns>
    public KeyRing WithKey(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new KeyRing([.. _keys, key], ActiveKey);
    }

    /// <summary>Returns a ring whose active signing key is the key with id <paramref name="keyId"/>.</summary>
    /// <param name="keyId">The id of a key of this ring that can sign.</param>
    /// <returns>The new ring.</returns>
    /// <exception cref="KeyNotFoundException">No key has that id.</exception>
    public KeyRing WithActiveKey(string keyId) => new(_keys, Get(keyId));

    /// <summary>Returns a ring without the key with id <paramref name="keyId"/>: tokens it signed no longer validate.</summary>
    /// <param name="keyId">The id of the key to retire.</param>
    /// <returns>The new ring.</returns>
    /// <exception cref="InvalidOperationException">The key is the active key: promote another key first.</exception>
    /// <exception cref="KeyNotFoundException">No key has that id.</exception>
    public KeyRing WithoutKey(string keyId)
    {
        var key = Get(keyId);
        if (ReferenceEquals(key, ActiveKey))
        {
            throw new InvalidOperationException($"The key '{keyId}' is the active signing key; promote another key before retiring it.");
        }

        return new KeyRing([.. _keys.Where(k => !ReferenceEquals(k, key))], ActiveKey);
    }

    /// <summary>Gets the key with id <paramref name="keyId"/>.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>The key.</returns>
    /// <exception cref="KeyNotFoundException">No key has that id.</exception>
    public SigningKey Get(string keyId)
        => Array.Find(_keys, k => k.KeyId == keyId) ?? throw new KeyNotFoundException($"The ring has no key '{keyId}'.");

    /// <summary>
    /// Writes the public JWK set to publish for verifiers: the public half of every asymmetric key and never a private
    /// member. Symmetric keys are secrets and are left out.
    /// </summary>
    /// <returns>The JWK set as JSON.</returns>
    public string ToJwks() => JwkWriter.WriteSet(
        _keys.Where(static k => k.KeyType != SigningKeyType.Symmetric).Select(static k => k.ToJsonWebKey(includePrivateKey: false)));

    /// <summary>Exact, ordinal match on the UTF-8 bytes of an unescaped <c>kid</c>. Rings are small, so a scan beats hashing.</summary>
    internal SigningKey? Find(ReadOnlySpan<byte> keyIdUtf8)
    {
        foreach (var key in _keys)
        {
            if (keyIdUtf8.SequenceEqual(key.KeyIdUtf8))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The one key bound to <paramref name="algorithm"/>, or <see langword="null"/> when there are none or several.</summary>
    internal SigningKey? FindUnique(JwtAlgorithm algorithm)
    {
        SigningKey? found = null;
        foreach (var key in _keys)
        {
            if (key.Algorithm == algorithm)
            {
                if (found is not null)
                {
                    return null;
                }

                found = key;
            }
        }

        return found;
    }
}
