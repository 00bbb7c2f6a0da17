using System.Diagnostics;
using System.Security.Cryptography;
using MediVault.Infrastructure.Ledger.Transparency;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>A parsed C2SP tlog-proof receipt (docs/ledger.md), and the two ways the tests check one.</summary>
public sealed record Receipt(byte[] Entry, long Index, List<byte[]> Proof, string Note)
{
    public static Receipt Parse(string text)
    {
        var lines = text.Split('\n');
        lines[0].Should().Be("c2sp.org/tlog-proof@v1");
        lines[1].Should().StartWith("extra ");
        lines[2].Should().StartWith("index ");
        var blank = Array.IndexOf(lines, "", 3);
        return new Receipt(
            Convert.FromBase64String(lines[1]["extra ".Length..]),
            long.Parse(lines[2]["index ".Length..], System.Globalization.CultureInfo.InvariantCulture),
            lines[3..blank].Select(Convert.FromBase64String).ToList(),
            string.Join('\n', lines[(blank + 1)..]));
    }

    /// <summary>The payload hash the entry records (its sixth line).</summary>
    public string PayloadHash => System.Text.Encoding.UTF8.GetString(Entry).Split('\n')[5];

    /// <summary>Our own proof checker: the note verifies with the key and the inclusion proof leads to its root.</summary>
    public bool VerifiesWith(string verifierKey) =>
        NoteKeys.TryVerify(Note, verifierKey, out var text)
        && Checkpoint.TryParse(text, out var checkpoint)
        && Rfc6962.VerifyInclusion(Index, checkpoint.Size, Rfc6962.LeafHash(Entry), Proof, checkpoint.Root);

    public Checkpoint Checkpoint
    {
        get
        {
            Checkpoint.TryParse(Note[..(Note.LastIndexOf("\n\n", StringComparison.Ordinal) + 1)], out var checkpoint).Should().BeTrue();
            return checkpoint;
        }
    }
}

/// <summary>Runs docs/verify-receipt.mjs with Node (Debian package nodejs), the verifier a stranger would use.</summary>
public static class NodeVerifier
{
    public static string ScriptPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MediVault.sln")))
                    return Path.Combine(dir.FullName, "docs", "verify-receipt.mjs");
            }

            throw new FileNotFoundException("docs/verify-receipt.mjs is not above the test output.");
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(byte[] file, string receipt, string verifierKey)
    {
        var folder = Path.Combine(Path.GetTempPath(), "medivault-receipt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var filePath = Path.Combine(folder, "file");
            var receiptPath = Path.Combine(folder, "receipt");
            var keyPath = Path.Combine(folder, "vkey");
            await File.WriteAllBytesAsync(filePath, file);
            await File.WriteAllTextAsync(receiptPath, receipt);
            await File.WriteAllTextAsync(keyPath, verifierKey);
            var start = new ProcessStartInfo("node", [ScriptPath, filePath, receiptPath, keyPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start (apt-get install nodejs).");
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
