using System.Globalization;

namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// A tile of C2SP tlog-tiles: level <see cref="Level"/> (tree level 8·L), index <see cref="Index"/>, holding
/// <see cref="Width"/> hashes (256 for a full tile). Its path is <c>L/N[.p/W]</c> with N written in 3-digit groups,
/// all but the last prefixed by x (1234067 → x001/x234/067).
/// </summary>
public sealed record TileAddress(int Level, long Index, int Width)
{
    public const int Height = 8;
    public const int FullWidth = 1 << Height;
    public const int MaxLevel = 7; // 8 × 7 = 56 tree levels: more leaves than a vault will ever hold

    public bool IsFull => Width == FullWidth;

    /// <summary>Parses the level and the rest of the path; false for anything that is not the canonical form.</summary>
    public static bool TryParse(string level, string path, out TileAddress tile)
    {
        tile = new TileAddress(0, 0, 0);
        if (level is not [>= '0' and <= '9'] || path is null)
            return false;
        var l = level[0] - '0';
        if (l > MaxLevel)
            return false;

        var width = FullWidth;
        var partial = path.IndexOf(".p/", StringComparison.Ordinal);
        if (partial >= 0)
        {
            var w = path[(partial + 3)..];
            if (w.Length is 0 or > 3 || w[0] == '0' || !w.All(char.IsAsciiDigit))
                return false;
            width = int.Parse(w, CultureInfo.InvariantCulture);
            if (width >= FullWidth)
                return false;
            path = path[..partial];
        }

        var groups = path.Split('/');
        long index = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            var group = groups[i];
            var last = i == groups.Length - 1;
            var digits = last ? group : group.StartsWith('x') ? group[1..] : "";
            if (digits.Length != 3 || !digits.All(char.IsAsciiDigit) || (!last && group.Length != 4))
                return false;
            if (i == 0 && groups.Length > 1 && digits == "000")
                return false; // no leading zero groups: one path per tile
            if (index > (long.MaxValue - 999) / 1000)
                return false;
            index = index * 1000 + int.Parse(digits, CultureInfo.InvariantCulture);
        }

        tile = new TileAddress(l, index, width);
        return true;
    }
}
