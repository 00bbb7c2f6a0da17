namespace MediVault.Domain.Emergency;

/// <summary>ABO/Rh blood type. Travels as <c>A+</c>, <c>O-</c>, …, or <c>unknown</c>.</summary>
public enum BloodType
{
    Unknown = 0,
    APositive,
    ANegative,
    BPositive,
    BNegative,
    AbPositive,
    AbNegative,
    OPositive,
    ONegative,
}

/// <summary>The contract's spelling of each blood type.</summary>
public static class BloodTypeNames
{
    private static readonly Dictionary<BloodType, string> Names = new()
    {
        [BloodType.Unknown] = "unknown",
        [BloodType.APositive] = "A+",
        [BloodType.ANegative] = "A-",
        [BloodType.BPositive] = "B+",
        [BloodType.BNegative] = "B-",
        [BloodType.AbPositive] = "AB+",
        [BloodType.AbNegative] = "AB-",
        [BloodType.OPositive] = "O+",
        [BloodType.ONegative] = "O-",
    };

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string ToName(this BloodType type) => Names[type];

    /// <summary>Reads <c>A+</c>, <c>ab-</c>, <c>unknown</c>, … (case-insensitive); anything else is refused.</summary>
    public static bool TryParse(string? name, out BloodType type)
    {
        foreach (var (key, value) in Names)
        {
            if (string.Equals(value, name, StringComparison.OrdinalIgnoreCase))
            {
                type = key;
                return true;
            }
        }
        type = BloodType.Unknown;
        return false;
    }
}
