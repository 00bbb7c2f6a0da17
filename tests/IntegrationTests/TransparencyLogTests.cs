using System.Net;
using System.Net.Http.Json;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>
/// The ledger as a transparency log (issue 11): checkpoints, key, receipts, consistency proofs, tiles, and verify's
/// new checks. Tests that tamper with the database get their own data directory.
/// </summary>
public sealed class TransparencyLogTests
{
    private static MediVaultFactory NewFactory(string? dataDirectory = null, string? signingKey = null)
    {
        var factory = dataDirectory is null ? new MediVaultFactory() : MediVaultFactory.OnDataDirectory(dataDirectory);
        factory.Settings["MediVault:Ledger:CheckpointIntervalMs"] = "0";
        factory.Settings["MediVault:Ledger:Origin"] = "vault.test/ledger";
        if (signingKey is not null)
            factory.Settings["MediVault:Ledger:SigningKey"] = signingKey;
        return factory;
    }

    private static async Task<string> Text(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Appends <paramref name="count"/> entries through the app's ledger, all at once (as concurrent requests would).</summary>
    private static Task AppendAsync(MediVaultFactory factory, Guid subject, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ILedger>().CommitAsync(
                new LedgerEvent("qr-accessed", Guid.CreateVersion7(), subject, new string('a', 64)), null, CancellationToken.None);
        }));

    private static async Task InDatabase(MediVaultFactory factory, string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<LedgerVerificationAnswer> Verify(Session session) =>
        await (await session.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();

    [Fact]
    public async Task CheckpointAndKey_Anonymous_AreASignedNoteThatVerifies()
    {
        await using var factory = NewFactory();
        var patient = await new Api(factory).RegisterPatient();
        await patient.Upload(SampleFiles.Pdf());
        using var anonymous = new Api(factory).Anonymous();

        var key = await Text(anonymous, "/api/ledger/key");
        var note = await Text(anonymous, "/api/ledger/checkpoint");

        key.Should().MatchRegex("^vault\\.test/ledger\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}$");
        NoteKeys.TryVerify(note, key, out var text).Should().BeTrue(note);
        Checkpoint.TryParse(text, out var checkpoint).Should().BeTrue();
        checkpoint.Origin.Should().Be("vault.test/ledger");
        checkpoint.Size.Should().BeGreaterThanOrEqualTo(1);
        note.Should().EndWith("\n").And.Contain("\n\n— vault.test/ledger ");
    }

    [Fact]
    public async Task FileReceipt_OwnerAndGrantedDoctor_VerifyWithTheOfflineNodeVerifier()
    {
        await using var factory = NewFactory();
        var api = new Api(factory);
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.AccessGrants.Add(AccessGrant.Create(patient.Id, doctor.Id, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddDays(1)));
            await db.SaveChangesAsync();
        }

        var content = SampleFiles.Text("hello, ledger\n");
        var file = await patient.Upload(content, "note.txt");
        using var anonymous = api.Anonymous();
        var key = await Text(anonymous, "/api/ledger/key");

        var response = await patient.Client.GetAsync($"/api/files/{file.Id}/receipt");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var receipt = await response.Content.ReadAsStringAsync();
        var byDoctor = await Text(doctor.Client, $"/api/files/{file.Id}/receipt");

        var parsed = Receipt.Parse(receipt);
        parsed.Index.Should().Be(file.LedgerIndex);
        parsed.PayloadHash.Should().Be(NodeVerifier.Sha256Hex(content));
        parsed.VerifiesWith(key).Should().BeTrue();
        Receipt.Parse(byDoctor).VerifiesWith(key).Should().BeTrue();
        var (exitCode, output) = await NodeVerifier.RunAsync(content, receipt, key);
        output.Should().StartWith("OK");
        exitCode.Should().Be(0);

        var (wrongFileExit, wrongFileOutput) = await NodeVerifier.RunAsync(SampleFiles.Text("hello, ledger!\n"), receipt, key);
        wrongFileExit.Should().NotBe(0);
        wrongFileOutput.Should().Contain("SHA-256 of the file");
    }

    [Fact]
    public async Task FileReceipt_AnonymousForeignUnknownAndMalformed_LearnNothing()
    {
        await using var factory = NewFactory();
        var api = new Api(factory);
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        var doctorWithoutGrant = await api.RegisterDoctor();
        var file = await patient.Upload(SampleFiles.Pdf());
        using var anonymous = api.Anonymous();

        (await anonymous.GetAsync($"/api/files/{file.Id}/receipt")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await (await stranger.Client.GetAsync($"/api/files/{file.Id}/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctorWithoutGrant.Client.GetAsync($"/api/files/{file.Id}/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await patient.Client.GetAsync($"/api/files/{Guid.NewGuid()}/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await patient.Client.GetAsync("/api/files/not-a-guid/receipt")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EntryReceipt_OwnEntryVerifies_OthersAndBadIndexesDoNot()
    {
        await using var factory = NewFactory();
        var api = new Api(factory);
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());
        var key = await Text(patient.Client, "/api/ledger/key");

        var receipt = Receipt.Parse(await Text(patient.Client, $"/api/ledger/entries/{file.LedgerIndex}/receipt"));
        receipt.Index.Should().Be(file.LedgerIndex);
        receipt.VerifiesWith(key).Should().BeTrue();

        using var anonymous = api.Anonymous();
        (await anonymous.GetAsync($"/api/ledger/entries/{file.LedgerIndex}/receipt")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await (await stranger.Client.GetAsync($"/api/ledger/entries/{file.LedgerIndex}/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await patient.Client.GetAsync("/api/ledger/entries/0/receipt")).ShouldBeProblem(HttpStatusCode.NotFound); // genesis: nobody's
        await (await patient.Client.GetAsync("/api/ledger/entries/999999/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await patient.Client.GetAsync("/api/ledger/entries/-1/receipt")).ShouldBeValidationProblemFor("index");
    }

    [Fact]
    public async Task ConsistencyAndTiles_AfterAThousandAppends_ProveTheOldCheckpointIsAPrefix()
    {
        await using var factory = NewFactory();
        var patient = await new Api(factory).RegisterPatient();
        using var anonymous = new Api(factory).Anonymous();
        await patient.Upload(SampleFiles.Pdf());
        var key = await Text(anonymous, "/api/ledger/key");
        NoteKeys.TryVerify(await Text(anonymous, "/api/ledger/checkpoint"), key, out var oldText).Should().BeTrue();
        Checkpoint.TryParse(oldText, out var old).Should().BeTrue();

        await AppendAsync(factory, patient.Id, 1000);
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CheckpointLog>().SignIfGrownAsync(CancellationToken.None);
        NoteKeys.TryVerify(await Text(anonymous, "/api/ledger/checkpoint"), key, out var newText).Should().BeTrue();
        Checkpoint.TryParse(newText, out var latest).Should().BeTrue();
        latest.Size.Should().BeGreaterThanOrEqualTo(old.Size + 1000);

        var proof = await (await anonymous.GetAsync($"/api/ledger/proof/consistency?from={old.Size}")).ReadAs<ConsistencyAnswer>();
        proof.From.Should().Be(old.Size);
        proof.To.Should().Be(latest.Size);
        var hashes = proof.Proof.Select(Convert.FromBase64String).ToList();
        Rfc6962.VerifyConsistency(old.Size, latest.Size, hashes, old.Root, latest.Root).Should().BeTrue();
        Rfc6962.VerifyConsistency(old.Size, latest.Size, hashes, latest.Root, latest.Root).Should().BeFalse();

        // Tiles: the first full level-0 tile is the first 256 leaf hashes, immutable; the last one is partial.
        var tile = await anonymous.GetAsync("/api/ledger/tile/0/000");
        tile.StatusCode.Should().Be(HttpStatusCode.OK);
        tile.Headers.CacheControl!.ToString().Should().Be("public, max-age=31536000, immutable");
        var leaves = await tile.Content.ReadAsByteArrayAsync();
        leaves.Should().HaveCount(256 * 32);
        var width = (int)(latest.Size % 256);
        var partial = await anonymous.GetAsync($"/api/ledger/tile/0/{latest.Size / 256:000}.p/{width}");
        partial.StatusCode.Should().Be(HttpStatusCode.OK);
        (await partial.Content.ReadAsByteArrayAsync()).Should().HaveCount(width * 32);
        var receipt = Receipt.Parse(await Text(patient.Client, "/api/ledger/entries/5/receipt"));
        leaves.AsSpan(5 * 32, 32).ToArray().Should().Equal(Rfc6962.LeafHash(receipt.Entry));
    }

    [Theory]
    [InlineData("", "from")]
    [InlineData("from=0", "from")]
    [InlineData("from=abc", "from")]
    [InlineData("from=5&to=3", "to")]
    [InlineData("from=1&to=999999", "to")]
    public async Task Consistency_BadSizes_Return400NamingTheField(string query, string field)
    {
        await using var factory = NewFactory();
        using var anonymous = new Api(factory).Anonymous();

        await (await anonymous.GetAsync($"/api/ledger/proof/consistency?{query}")).ShouldBeValidationProblemFor(field);
    }

    [Theory]
    [InlineData("/api/ledger/tile/8/000", HttpStatusCode.BadRequest)]
    [InlineData("/api/ledger/tile/0/00", HttpStatusCode.BadRequest)]
    [InlineData("/api/ledger/tile/0/x000/001", HttpStatusCode.BadRequest)]
    [InlineData("/api/ledger/tile/0/000.p/256", HttpStatusCode.BadRequest)]
    [InlineData("/api/ledger/tile/entries/000", HttpStatusCode.BadRequest)]
    [InlineData("/api/ledger/tile/0/000", HttpStatusCode.NotFound)] // not 256 leaves yet
    [InlineData("/api/ledger/tile/0/001.p/1", HttpStatusCode.NotFound)]
    public async Task Tile_MalformedOrNotYetThere_IsRefused(string path, HttpStatusCode status)
    {
        await using var factory = NewFactory();
        using var anonymous = new Api(factory).Anonymous();

        await (await anonymous.GetAsync(path)).ShouldBeProblem(status);
    }

    [Fact]
    public async Task NewestEntryDeleted_VerifyFailsAndItsReceiptIsGone()
    {
        await using var factory = NewFactory();
        var patient = await new Api(factory).RegisterPatient();
        await patient.Upload(SampleFiles.Pdf());
        var newest = await patient.Upload(SampleFiles.Pdf(), "newest.pdf");
        await Text(patient.Client, $"/api/files/{newest.Id}/receipt"); // a checkpoint now covers it

        await InDatabase(factory, $"DELETE FROM \"LedgerBlocks\" WHERE \"Index\" = {newest.LedgerIndex}");

        var result = await Verify(patient);
        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(newest.LedgerIndex);
        result.Problem.Should().Contain("removed");
        await (await patient.Client.GetAsync($"/api/files/{newest.Id}/receipt")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EntryEdited_VerifyFailsAndTheOfflineVerifierRejectsTheReceipt()
    {
        await using var factory = NewFactory();
        var patient = await new Api(factory).RegisterPatient();
        var content = SampleFiles.Pdf();
        var file = await patient.Upload(content);
        var key = await Text(patient.Client, "/api/ledger/key");
        await Text(patient.Client, $"/api/files/{file.Id}/receipt");

        // Back-date the entry after a checkpoint covered it: its hash no longer matches, nor does its leaf.
        await InDatabase(factory, $"UPDATE \"LedgerBlocks\" SET \"Timestamp\" = '2020-01-01 00:00:00' WHERE \"Index\" = {file.LedgerIndex}");

        (await Verify(patient)).Valid.Should().BeFalse();
        var receipt = await Text(patient.Client, $"/api/files/{file.Id}/receipt");
        Receipt.Parse(receipt).VerifiesWith(key).Should().BeFalse();
        var (exitCode, output) = await NodeVerifier.RunAsync(content, receipt, key);
        exitCode.Should().NotBe(0);
        output.Should().Contain("inclusion proof");
    }

    [Fact]
    public async Task SigningKeySwapped_VerifyFailsAndThePinnedKeyRejectsNewReceipts()
    {
        var folder = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            string pinned;
            Guid patientId;
            string email;
            await using (var first = NewFactory(folder, Convert.ToBase64String(new byte[32])))
            {
                var patient = await new Api(first).RegisterPatient();
                (patientId, email) = (patient.Id, patient.Email);
                pinned = await Text(patient.Client, "/api/ledger/key");
                var file = await patient.Upload(SampleFiles.Pdf());
                Receipt.Parse(await Text(patient.Client, $"/api/files/{file.Id}/receipt")).VerifiesWith(pinned).Should().BeTrue();
            }

            await using var second = NewFactory(folder, Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));
            var again = await new Api(second).LoginAs(email, Api.StrongPassword);
            var content = SampleFiles.Pdf(5000);
            var later = await again.Upload(content, "later.pdf");
            var receipt = await Text(again.Client, $"/api/files/{later.Id}/receipt");

            (await Text(again.Client, "/api/ledger/key")).Should().NotBe(pinned);
            Receipt.Parse(receipt).VerifiesWith(pinned).Should().BeFalse();
            var (exitCode, output) = await NodeVerifier.RunAsync(content, receipt, pinned);
            exitCode.Should().NotBe(0);
            output.Should().Contain("not signed");
            var result = await Verify(again);
            result.Valid.Should().BeFalse();
            result.Problem.Should().Contain("key");
            patientId.Should().Be(again.Id);
        }
        finally
        {
            MediVaultFactory.TryDelete(folder);
        }
    }

    [Fact]
    public async Task FiftyConcurrentUploads_OneLinearLogAndEveryReceiptVerifies()
    {
        await using var factory = NewFactory();
        var api = new Api(factory);
        var patients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.RegisterPatient()));

        var files = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => patients[i % 5].Upload(SampleFiles.Pdf(10_000 + i), $"c-{i}.pdf")));

        var key = await Text(patients[0].Client, "/api/ledger/key");
        files.Select(f => f.LedgerIndex).Should().BeEquivalentTo(Enumerable.Range(1, 50).Select(i => (long)i));
        for (var i = 0; i < files.Length; i++)
        {
            var receipt = Receipt.Parse(await Text(patients[i % 5].Client, $"/api/files/{files[i].Id}/receipt"));
            receipt.VerifiesWith(key).Should().BeTrue($"file {i}");
            receipt.PayloadHash.Should().Be(files[i].Sha256);
        }

        var result = await Verify(patients[0]);
        result.Should().BeEquivalentTo(new { Valid = true, Length = 51L, FirstInvalidIndex = (long?)null });
    }

    private sealed record ConsistencyAnswer(long From, long To, List<string> Proof);
}
