using System.Text.Json.Nodes;

namespace JwtSessions.Tests.Vectors;

/// <summary>One Wycheproof test (<c>tests[]</c> entry) with the group (<c>testGroups[]</c> entry) it belongs to.</summary>
public sealed class WycheproofVector
{
    internal WycheproofVector(string suite, JsonObject group, JsonObject test)
    {
        Suite = suite;
        Group = group;
        Test = test;
        TcId = (int)test["tcId"]!;
        Comment = (string?)test["comment"] ?? string.Empty;
        Result = (string)test["result"]!;
        Flags = [.. test["flags"]?.AsArray().Select(static f => (string)f!) ?? []];
    }

    public string Suite { get; }

    public int TcId { get; }

    public string Comment { get; }

    /// <summary>Gets the label: <c>valid</c>, <c>invalid</c> or <c>acceptable</c> (either outcome, but always the same one).</summary>
    public string Result { get; }

    public IReadOnlyList<string> Flags { get; }

    public bool IsValid => Result == "valid";

    public bool IsInvalid => Result == "invalid";

    public bool IsAcceptable => Result == "acceptable";

    /// <summary>Gets the NUnit case name, e.g. <c>Jws_tc357_ValidMac</c>.</summary>
    public string Name => $"{Suite}_tc{TcId}_{Wycheproof.Identifier(Comment.Length > 0 ? Comment : Result)}";

    internal JsonObject Group { get; }

    internal JsonObject Test { get; }

    internal string String(string member) => (string)Test[member]!;

    internal byte[] Hex(string member) => Convert.FromHexString(String(member));

    public override string ToString() => Name;
}
