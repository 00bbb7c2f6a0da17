using System.Net;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>Each test that edits blocks gets its own data directory, so the other tests keep a valid chain.</summary>
public sealed class LedgerTests
{
    private static async Task<T> InDatabase<T>(MediVaultFactory factory, Func<AppDbContext, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    [Fact]
    public async Task Verify_FreshVault_HasOnlyTheGenesisBlock()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();

        var result = await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();

        var genesis = await InDatabase(factory, db => db.LedgerBlocks.SingleAsync());
        genesis.Index.Should().Be(0);
        genesis.Kind.Should().Be("genesis");
        genesis.PreviousHash.Should().Be(new string('0', 64));
        result.Should().Be(new LedgerVerificationAnswer(true, 1, genesis.Hash, null));
    }

    [Fact]
    public async Task Upload_FiftyAtOnce_LeavesOneValidChain()
    {
        await using var factory = new MediVaultFactory();
        var api = new Api(factory);
        var patients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.RegisterPatient()));

        var files = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => patients[i % 5].Upload(SampleFiles.Pdf(20_000 + i), $"concurrent-{i}.pdf")));

        var result = await (await patients[0].Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();
        result.Valid.Should().BeTrue();
        result.Length.Should().Be(51);
        result.FirstInvalidIndex.Should().BeNull();
        files.Select(f => f.LedgerIndex).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(Enumerable.Range(1, 50).Select(i => (long)i));
        var chain = await InDatabase(factory, db => db.LedgerBlocks.OrderBy(b => b.Index).ToListAsync());
        for (var i = 1; i < chain.Count; i++)
            chain[i].PreviousHash.Should().Be(chain[i - 1].Hash);
        (await InDatabase(factory, db => db.MedicalFiles.CountAsync())).Should().Be(50);
    }

    [Theory]
    [InlineData("UPDATE \"LedgerBlocks\" SET \"PayloadHash\" = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' WHERE \"Index\" = 3")]
    [InlineData("UPDATE \"LedgerBlocks\" SET \"Kind\" = 'file-deleted' WHERE \"Index\" = 3")]
    [InlineData("UPDATE \"LedgerBlocks\" SET \"Timestamp\" = '2020-01-01 00:00:00' WHERE \"Index\" = 3")]
    [InlineData("UPDATE \"LedgerBlocks\" SET \"ResourceId\" = '11111111-1111-1111-1111-111111111111' WHERE \"Index\" = 3")]
    [InlineData("UPDATE \"LedgerBlocks\" SET \"PreviousHash\" = '0000000000000000000000000000000000000000000000000000000000000000' WHERE \"Index\" = 3")]
    public async Task Verify_BlockEditedInTheDatabase_IsReportedAtItsIndex(string sql)
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        for (var i = 0; i < 4; i++)
            await patient.Upload(SampleFiles.Pdf(), $"f{i}.pdf");
        await InDatabase(factory, db => db.Database.ExecuteSqlRawAsync(sql));

        var result = await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(3);
        result.Length.Should().Be(5);
    }

    [Fact]
    public async Task Verify_BlockRewrittenWithAFreshHash_IsReportedAtTheNextIndex()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        for (var i = 0; i < 3; i++)
            await patient.Upload(SampleFiles.Pdf(), $"f{i}.pdf");
        // Someone recomputes block 2 after editing it: its own hash checks out, but block 3 no longer links to it.
        await InDatabase(factory, async db =>
        {
            var block = await db.LedgerBlocks.AsNoTracking().SingleAsync(b => b.Index == 2);
            var forged = MediVault.Infrastructure.Ledger.LedgerEncoding.ComputeHash(
                2, block.Timestamp, block.Kind, block.ResourceId, new string('a', 64), block.PreviousHash);
            return await db.Database.ExecuteSqlAsync(
                $"UPDATE \"LedgerBlocks\" SET \"PayloadHash\" = {new string('a', 64)}, \"Hash\" = {forged} WHERE \"Index\" = 2");
        });

        var result = await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();

        result.FirstInvalidIndex.Should().Be(3);
    }

    [Fact]
    public async Task Verify_Anonymous_Returns401()
    {
        await using var factory = new MediVaultFactory();
        using var anonymous = new Api(factory).Anonymous();

        (await anonymous.GetAsync("/api/ledger/verify")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/ledger/blocks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Blocks_Patient_SeesOnlyOwnBlocksOldestFirst()
    {
        await using var factory = new MediVaultFactory();
        var api = new Api(factory);
        var patient = await api.RegisterPatient();
        var other = await api.RegisterPatient();
        var first = await patient.Upload(SampleFiles.Pdf());
        await other.Upload(SampleFiles.Pdf());
        var second = await patient.Upload(SampleFiles.Png(), "x.png");

        var blocks = await (await patient.Client.GetAsync("/api/ledger/blocks")).ReadAs<List<BlockAnswer>>();

        blocks.Select(b => b.ResourceId).Should().Equal(first.Id, second.Id);
        blocks[0].Should().BeEquivalentTo(new { Index = first.LedgerIndex, Kind = "file-uploaded", PayloadHash = first.Sha256, Hash = first.LedgerHash });
        var recomputed = MediVault.Infrastructure.Ledger.LedgerEncoding.ComputeHash(
            blocks[0].Index, blocks[0].Timestamp, blocks[0].Kind, blocks[0].ResourceId, blocks[0].PayloadHash, blocks[0].PreviousHash);
        recomputed.Should().Be(blocks[0].Hash, "a reader can recompute a listed block from its JSON");
    }

    [Fact]
    public async Task Blocks_FromAndLimit_PageThroughTheChain()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        for (var i = 0; i < 5; i++)
            await patient.Upload(SampleFiles.Pdf(), $"f{i}.pdf");

        var blocks = await (await patient.Client.GetAsync("/api/ledger/blocks?from=2&limit=2")).ReadAs<List<BlockAnswer>>();

        blocks.Select(b => b.Index).Should().Equal(2, 3);
    }

    [Fact]
    public async Task Blocks_DoctorWithActiveGrant_SeesThePatientsBlocksOnly()
    {
        await using var factory = new MediVaultFactory();
        var api = new Api(factory);
        var granting = await api.RegisterPatient();
        var revoked = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await InDatabase(factory, db =>
        {
            db.AccessGrants.Add(AccessGrant.Create(granting.Id, doctor.Id, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddDays(1)));
            var ended = AccessGrant.Create(revoked.Id, doctor.Id, DateTime.UtcNow.AddMinutes(-5), null);
            ended.Revoke(DateTime.UtcNow.AddMinutes(-1));
            db.AccessGrants.Add(ended);
            return db.SaveChangesAsync();
        });
        var visible = await granting.Upload(SampleFiles.Pdf());
        await revoked.Upload(SampleFiles.Pdf());

        var blocks = await (await doctor.Client.GetAsync("/api/ledger/blocks")).ReadAs<List<BlockAnswer>>();

        blocks.Should().ContainSingle().Which.ResourceId.Should().Be(visible.Id);
    }

    [Theory]
    [InlineData("from=-1", "from")]
    [InlineData("from=abc", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=1.5", "limit")]
    public async Task Blocks_BadQuery_Returns400NamingTheField(string query, string field)
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/ledger/blocks?{query}");

        await response.ShouldBeValidationProblemFor(field);
    }
}
