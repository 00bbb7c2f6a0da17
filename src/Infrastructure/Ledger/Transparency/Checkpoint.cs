using System.Globalization;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>The body of a C2SP tlog-checkpoint: the origin line, the decimal tree size, the base64 root hash, each ended by LF.</summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root)
{
    public string Text => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\n";

    /// <summary>Reads the first three lines of a checkpoint's text (extension lines, if any, are ignored).</summary>
    public static bool TryParse(string text, out Checkpoint checkpoint)
    {
        checkpoint = new Checkpoint("", 0, []);
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[0].Length == 0 ||
            !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ||
            lines[1] != size.ToString(CultureInfo.InvariantCulture))
            return false;
        var root = new byte[Rfc6962.HashSize + 1];
        if (!Convert.TryFromBase64String(lines[2], root, out var written) || written != Rfc6962.HashSize)
            return false;
        checkpoint = new Checkpoint(lines[0], size, root[..Rfc6962.HashSize]);
        return true;
    }
}
