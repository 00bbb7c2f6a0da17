using System.Net.Http.Json;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>The emergency profile and file descriptions are stored only sealed (issue 14, section 2; docs/storage.md).</summary>
[Trait("Category", TestConfiguration.EmbeddedOnly)] // reads the SQLite file and its WAL byte by byte
public sealed class MedicalTextAtRestTests
{
    [Fact]
    public async Task DataDirectory_AfterSavingAndChangingTheText_HoldsNoneOfItInClear()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        var markers = Markers(9);
        var first = await patient.SaveProfile(ProfileWith(markers[..8]));
        var file = await patient.Upload(SampleFiles.Pdf(), "scan.pdf", ("description", markers[8]));
        var changed = Markers(8);

        var saved = await patient.SaveProfile(ProfileWith(changed));

        saved.Allergies.Single().Substance.Should().Be(changed[0], "the answer is the profile as sent");
        first.Allergies.Single().Substance.Should().Be(markers[0]);
        file.Description.Should().Be(markers[8]);
        var read = await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>();
        read.Should().BeEquivalentTo(saved);
        var found = await (await patient.Client.GetAsync($"/api/files/{patient.Id}?q={markers[8][4..20]}")).ReadAs<FilePage>();
        found.Items.Should().ContainSingle().Which.Description.Should().Be(markers[8]);
        FilesHoldingAny(factory.DataDirectory, markers.Concat(changed)).Should().BeEmpty();
    }

    [Fact]
    public async Task SaveProfile_TwiceInOneSecond_KeepsTheSecondContent()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        await patient.SaveProfile(ProfileWith(Markers(8)));
        var second = Markers(8);

        await patient.SaveProfile(ProfileWith(second));

        var read = await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>();
        read.Allergies.Single().Substance.Should().Be(second[0]);
        read.MedicalNotes.Should().Be(second[7]);
    }

    [Fact]
    public async Task StartUp_PlaintextRowsStoredBefore_AreSealedAndReadTheSame()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            var patientId = Guid.NewGuid();
            var fileId = Guid.NewGuid();
            await CreateDatabaseAsBeforeIssue14(Path.Combine(directory, "medivault.db"), patientId, fileId);
            FilesHoldingAny(directory, ["LEGACYALLERGEN", "LEGACYNOTE", "LEGACYCONTACT", "LEGACYDESCRIPTION"]).Should().NotBeEmpty();

            await using var factory = MediVaultFactory.OnDataDirectory(directory);
            var (profile, description) = await factory.InDatabase(async db => (
                await db.EmergencyProfiles.AsNoTracking().SingleAsync(p => p.PatientId == patientId),
                (await db.MedicalFiles.AsNoTracking().SingleAsync(f => f.Id == fileId)).Description));

            profile.Allergies.Single().Substance.Should().Be("LEGACYALLERGEN");
            profile.Allergies.Single().Severity.Should().Be(MediVault.Domain.Emergency.AllergySeverity.Severe);
            profile.EmergencyContacts.Single().Name.Should().Be("LEGACYCONTACT");
            profile.MedicalNotes.Should().Be("LEGACYNOTE");
            profile.BloodType.Should().Be(MediVault.Domain.Emergency.BloodType.ONegative);
            profile.DateOfBirth.Should().Be(new DateOnly(1980, 5, 17));
            profile.OrganDonor.Should().BeTrue();
            description.Should().Be("LEGACYDESCRIPTION");
            FilesHoldingAny(directory, ["LEGACYALLERGEN", "LEGACYNOTE", "LEGACYCONTACT", "LEGACYDESCRIPTION"]).Should().BeEmpty();
            (await factory.InDatabase(db => db.Database.SqlQueryRaw<long>(
                "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name LIKE 'I14Plaintext%'").SingleAsync())).Should().Be(0);
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task DestroyPatientKey_LeavesThePatientsTextUnreadableAndOthersIntact()
    {
        await using var factory = new MediVaultFactory();
        var api = new Api(factory);
        var patient = await api.RegisterPatient();
        var other = await api.RegisterPatient();
        await patient.SaveProfile();
        await other.SaveProfile();
        var wrappedKey = await factory.InDatabase(db => db.Database.SqlQuery<byte[]>(
            $"SELECT \"WrappedKey\" AS \"Value\" FROM \"PatientDataKeys\" WHERE \"PatientId\" = {patient.Id}").SingleAsync());

        var destroyed = await InScope(factory, async services =>
        {
            var result = await services.GetRequiredService<IPatientDataKeys>().DestroyAsync(patient.Id, CancellationToken.None);
            await services.GetRequiredService<ISecureErasure>().EraseRemovedDataAsync(CancellationToken.None);
            return result;
        });

        destroyed.Should().BeTrue();
        var read = () => factory.InDatabase(db => db.EmergencyProfiles.AsNoTracking().SingleAsync(p => p.PatientId == patient.Id));
        await read.Should().ThrowAsync<StoredContentCorruptException>();
        (await other.Client.GetAsync($"/api/emergency-profile/{other.Id}")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        FilesHoldingAny(factory.DataDirectory, new List<byte[]> { wrappedKey }).Should().BeEmpty();
    }

    // ---- helpers ----

    private static string[] Markers(int count) =>
        Enumerable.Range(0, count).Select(i => $"MARK{i}X{Guid.NewGuid():N}").ToArray();

    /// <summary>A profile with a marker in each of its eight free-text places.</summary>
    private static object ProfileWith(string[] m) => new
    {
        dateOfBirth = "1990-04-02",
        bloodType = "AB-",
        allergies = new[] { new { substance = m[0], reaction = m[1], severity = "severe" } },
        conditions = new[] { new { name = m[2], notes = m[3] } },
        medications = new[] { new { name = m[4], dosage = "5 mg", frequency = "daily" } },
        emergencyContacts = new[] { new { name = m[5], relationship = m[6], phone = "+44 20 7946 0958" } },
        organDonor = true,
        medicalNotes = m[7],
    };

    private static async Task<T> InScope<T>(MediVaultFactory factory, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>The files under <paramref name="directory"/> (database, -wal, -shm, blobs, keys) holding any of the needles.</summary>
    private static List<string> FilesHoldingAny(string directory, IEnumerable<string> needles) =>
        FilesHoldingAny(directory, needles.Select(Encoding.UTF8.GetBytes).ToList());

    private static List<string> FilesHoldingAny(string directory, List<byte[]> patterns) =>
         Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
                foreach (var pattern in patterns)
                {
                    if (bytes.IndexOf(pattern) >= 0)
                        return true;
                }
                return false;
            })
            .Select(path => Path.GetRelativePath(directory, path))
            .ToList();

    /// <summary>A database at the first migration, with a profile and a file description in plaintext, as before issue 14.</summary>
    private static async Task CreateDatabaseAsBeforeIssue14(string databasePath, Guid patientId, Guid fileId)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        options.UseSqlite(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        options.UseOpenIddict<Guid>();
        await using var db = new AppDbContext(options.Options);
        await db.GetService<IMigrator>().MigrateAsync("20261124064412_Initial");
        var patient = patientId.ToString().ToUpperInvariant();
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"EmergencyProfiles\" (\"PatientId\", \"DateOfBirth\", \"BloodType\", \"Allergies\", \"Conditions\", \"Medications\", " +
            "\"EmergencyContacts\", \"OrganDonor\", \"MedicalNotes\", \"UpdatedAt\") VALUES ({0}, '1980-05-17', 'ONegative', " +
            "{1}, '[]', '[]', {2}, 1, 'LEGACYNOTE', '2026-11-20 10:00:00')",
            patient, """[{"substance":"LEGACYALLERGEN","reaction":"hives","severity":2}]""",
            """[{"name":"LEGACYCONTACT","relationship":"sister","phone":"+1 555 0100"}]""");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"MedicalFiles\" (\"Id\", \"OwnerId\", \"UploadedById\", \"FileName\", \"ContentType\", \"SizeBytes\", \"Category\", " +
            "\"Description\", \"RecordDate\", \"Sha256\", \"StorageKey\", \"WrappedKey\", \"UploadedAt\", \"LedgerIndex\", \"LedgerHash\") " +
            "VALUES ({0}, {1}, {1}, 'old.pdf', 'application/pdf', 10, 'LabReport', 'LEGACYDESCRIPTION', NULL, {2}, {3}, X'00', " +
            "'2026-11-20 10:00:00', 1, {2})",
            fileId.ToString().ToUpperInvariant(), patient, new string('a', 64), new string('b', 32));
    }
}
