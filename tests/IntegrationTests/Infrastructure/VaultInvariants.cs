using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// What must hold in a data directory whatever happened to the process that wrote it (a crash, a full disk): the
/// ledger verifies, every blob belongs to a live file and every live file to a readable blob, and each change is
/// whole: its rows and its ledger block are both there or both absent.
/// </summary>
public static class VaultInvariants
{
    public static async Task ShouldBeConsistent(this MediVaultFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();

        (await scope.ServiceProvider.GetRequiredService<ILedger>().VerifyAsync(CancellationToken.None)).Valid.Should().BeTrue("the ledger must verify");
        var blocks = await db.LedgerBlocks.AsNoTracking().Select(b => new { b.Kind, b.ResourceId }).ToListAsync();
        bool HasBlock(string kind, Guid id) => blocks.Any(b => b.Kind == kind && b.ResourceId == id);

        // Files: no staging leftovers, no blob without a live row, no live row without its blob, key and block.
        var staging = Path.Combine(app.DataDirectory, "blobs", ".staging");
        (Directory.Exists(staging) ? Directory.GetFiles(staging) : []).Should().BeEmpty("unfinished uploads are swept at start-up");
        var files = await db.MedicalFiles.AsNoTracking().ToListAsync();
        var live = files.Where(f => f.DeletedAt == null).ToList();
        var blobs = Directory.EnumerateDirectories(Path.Combine(app.DataDirectory, "blobs"))
            .Where(d => Path.GetFileName(d) != ".staging").SelectMany(Directory.EnumerateFiles).Select(Path.GetFileName).ToList();
        blobs.Should().BeEquivalentTo(live.Select(f => f.StorageKey), "every blob belongs to exactly one live file");
        foreach (var file in live)
        {
            file.WrappedKey.Should().NotBeNull();
            HasBlock(LedgerBlockKind.FileUploaded, file.Id).Should().BeTrue($"live file {file.Id} has its upload block");
            HasBlock(LedgerBlockKind.FileDeleted, file.Id).Should().BeFalse($"live file {file.Id} has no delete block");
            await using var content = store.OpenRead(file.StorageKey, file.WrappedKey!);
            Convert.ToHexStringLower(await SHA256.HashDataAsync(content)).Should().Be(file.Sha256);
        }
        foreach (var file in files.Where(f => f.DeletedAt != null))
        {
            file.WrappedKey.Should().BeNull($"deleted file {file.Id} has no key left");
            HasBlock(LedgerBlockKind.FileDeleted, file.Id).Should().BeTrue($"deleted file {file.Id} has its delete block");
        }
        blocks.Where(b => b.Kind == LedgerBlockKind.FileUploaded).Select(b => b.ResourceId)
            .Should().BeSubsetOf(files.Select(f => f.Id), "no upload block without its file row");

        // Grants: row and block together.
        var grants = await db.AccessGrants.AsNoTracking().Select(g => g.Id).ToListAsync();
        grants.Where(id => !HasBlock(LedgerBlockKind.AccessGranted, id)).Should().BeEmpty("every grant has its block");
        blocks.Where(b => b.Kind == LedgerBlockKind.AccessGranted).Select(b => b.ResourceId).Should().BeSubsetOf(grants);

        // QR codes: each profile that left the server has its log line and its block; no more than the uses counted.
        var codes = await db.QrAccessCodes.AsNoTracking().ToListAsync();
        var accessLines = await db.AccessLogEntries.AsNoTracking()
            .Where(e => e.Action == AccessAction.QrAccessed && e.Outcome == AccessOutcome.Success).Select(e => e.ResourceId).ToListAsync();
        foreach (var code in codes)
        {
            HasBlock(LedgerBlockKind.QrGenerated, code.Id).Should().BeTrue();
            var accessBlocks = blocks.Count(b => b.Kind == LedgerBlockKind.QrAccessed && b.ResourceId == code.Id);
            accessBlocks.Should().Be(accessLines.Count(id => id == code.Id), "each access has both its log line and its block");
            accessBlocks.Should().BeLessThanOrEqualTo(code.UseCount, "no access beyond the uses counted");
        }
    }
}
