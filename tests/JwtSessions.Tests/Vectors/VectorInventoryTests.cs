namespace JwtSessions.Tests.Vectors;

/// <summary>Every Wycheproof file the suites stream yields exactly as many cases as it declares: nothing is silently dropped.</summary>
public sealed class VectorInventoryTests
{
    [TestCase("json_web_signature_test.json", 401)]
    [TestCase("json_web_key_test.json", 26)]
    [TestCase("ecdsa_secp256r1_sha256_p1363_test.json", 262)]
    [TestCase("ecdsa_secp384r1_sha384_p1363_test.json", 280)]
    [TestCase("ecdsa_secp521r1_sha512_p1363_test.json", 318)]
    [TestCase("ecdsa_secp256r1_sha256_test.json", 484)]
    [TestCase("ed25519_test.json", 151)]
    [TestCase("hmac_sha256_test.json", 174)]
    [TestCase("hmac_sha384_test.json", 174)]
    [TestCase("hmac_sha512_test.json", 174)]
    [TestCase("rsa_signature_2048_sha256_test.json", 259)]
    [TestCase("rsa_pss_2048_sha256_mgf1_32_test.json", 108)]
    public void Stream_WycheproofFile_YieldsEveryDeclaredTest(string file, int count)
    {
        VectorFiles.EnsurePresent();
        var vectors = Wycheproof.Vectors("Inventory", file).ToList();

        vectors.Should().HaveCount(Wycheproof.DeclaredCount(file));
        vectors.Should().HaveCount(count, "the snapshot named in tests/vectors/wycheproof/SOURCE.md has this many");
        vectors.Select(static v => v.TcId).Should().OnlyHaveUniqueItems();
    }
}
