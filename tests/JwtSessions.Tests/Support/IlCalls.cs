using System.Reflection;
using System.Reflection.Emit;

namespace JwtSessions.Tests.Support;

/// <summary>
/// The methods a compiled method calls, read from its IL: what the code does once built, whatever its formatting, comments
/// or local names (a source text search sees those, and misses calls made through a helper or an alias).
/// </summary>
internal static class IlCalls
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(static f => (OpCode)f.GetValue(null)!)
        .ToDictionary(static o => o.Value);

    public static IReadOnlyList<MethodBase> Of(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? throw new ArgumentException($"{method} has no IL body.", nameof(method));
        var calls = new List<MethodBase>();
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var opCode = s_opCodes[value];
            i += opCode.Size;
            if (opCode.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, i);
                calls.Add(method.Module.ResolveMethod(token, method.DeclaringType?.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null)!);
            }

            i += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }

        return calls;
    }
}
