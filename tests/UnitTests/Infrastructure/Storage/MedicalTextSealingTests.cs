using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Emergency;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The interceptor that seals an emergency profile's content and a file's description as rows are saved and opens them
/// as entities are read, against the real tables (docs/storage.md, "Medical text").
/// </summary>
public sealed class MedicalTextSealingTests : IAsyncLifetime
{
    private static readonly DateTime At = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private readonly Guid _patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task SaveProfile()
    {
        await using var db = _database.NewContext();
        db.EmergencyProfiles.Add(SampleProfiles.Full(_patient, At));
        await db.SaveChangesAsync();
    }

    /// <summary>The profile again with the same content, saved a minute later: only the time of the save differs.</summary>
    private static void SaveTheSameContentLater(EmergencyProfile profile) =>
        profile.Update(profile.DateOfBirth, profile.BloodType, profile.Allergies, profile.Conditions, profile.Medications,
            profile.EmergencyContacts, profile.OrganDonor, profile.MedicalNotes, At.AddMinutes(1));

    private async Task<byte[]> SealedProfile()
    {
        await using var db = _database.NewContext();
        return await db.Database.SqlQuery<byte[]>(
            $"SELECT \"SealedContent\" AS \"Value\" FROM \"EmergencyProfiles\" WHERE \"PatientId\" = {_patient}").SingleAsync();
    }

    private async Task<EmergencyProfile> ReadProfile()
    {
        await using var db = _database.NewContext();
        return await db.EmergencyProfiles.AsNoTracking().SingleAsync(p => p.PatientId == _patient);
    }

    private async Task<long> KeyRows()
    {
        await using var db = _database.NewContext();
        return await db.Set<PatientDataKey>().LongCountAsync(k => k.PatientId == _patient);
    }

    private async Task DestroyKey()
    {
        await using var db = _database.NewContext();
        await new PatientDataKeys(db, db.GetService<PatientKeyRing>()).DestroyAsync(_patient, CancellationToken.None);
    }

    [Fact]
    public async Task SaveChanges_NotAsync_SealsTheProfileAsTheAsyncSaveDoes()
    {
        var saved = SampleProfiles.Full(_patient, At);
        using (var db = _database.NewContext())
        {
            db.EmergencyProfiles.Add(saved);
            db.SaveChanges();
        }

        (await ReadProfile()).Should().BeEquivalentTo(saved);
        (await SealedProfile()).AsSpan().IndexOf("Penicillin"u8).Should().Be(-1);
    }

    [Fact]
    public async Task SaveChanges_ReadProfileWithTheSameContent_KeepsItsSealedValue()
    {
        await SaveProfile();
        var before = await SealedProfile();
        await using (var db = _database.NewContext())
        {
            SaveTheSameContentLater(await db.EmergencyProfiles.SingleAsync(p => p.PatientId == _patient));
            await db.SaveChangesAsync();
        }

        (await SealedProfile()).Should().Equal(before);
        (await ReadProfile()).UpdatedAt.Should().Be(At.AddMinutes(1), "the save itself went through");
    }

    [Fact]
    public async Task SaveChanges_AddedProfileSavedAgainWithTheSameContent_KeepsItsSealedValue()
    {
        await using var db = _database.NewContext();
        var profile = SampleProfiles.Full(_patient, At);
        db.EmergencyProfiles.Add(profile);
        await db.SaveChangesAsync();
        var before = await SealedProfile();

        SaveTheSameContentLater(profile);
        await db.SaveChangesAsync();

        (await SealedProfile()).Should().Equal(before);
        (await ReadProfile()).UpdatedAt.Should().Be(At.AddMinutes(1));
    }

    [Fact]
    public async Task SaveChanges_DeletedProfile_SealsNothing()
    {
        await SaveProfile();
        await DestroyKey();
        await using (var db = _database.NewContext())
        {
            // Removed without being read (it could not be opened now): the interceptor has never seen its content.
            db.EmergencyProfiles.Remove(EmergencyProfile.Create(_patient));
            await db.SaveChangesAsync();
        }

        (await KeyRows()).Should().Be(0, "sealing the deleted profile would have made the patient a new key");
    }

    [Fact]
    public async Task Read_ProfileWhosePatientKeyIsDestroyed_IsStoredContentCorrupt()
    {
        await SaveProfile();
        await DestroyKey();

        var act = ReadProfile;

        (await act.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<CryptographicException>();
    }

    [Fact]
    public async Task Read_ProfileSealedContentThatIsNotAProfile_IsStoredContentCorrupt()
    {
        await SaveProfile();
        await using (var db = _database.NewContext())
        {
            var notAProfile = db.GetService<PatientKeyRing>().Seal(db, _patient, "[1, 2]", SealedProfileContent.Table, _patient);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE \"EmergencyProfiles\" SET \"SealedContent\" = {notAProfile} WHERE \"PatientId\" = {_patient}");
        }

        var act = ReadProfile;

        (await act.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<System.Text.Json.JsonException>();
    }

    // ---- a file's description ----

    private async Task<MedicalFile> SaveFile(string? description)
    {
        var id = Guid.CreateVersion7();
        var file = MedicalFile.Create(id, _patient, _patient, "scan.pdf", "application/pdf", 10, FileCategory.LabReport, description,
            null, new string('a', 64), id.ToString("N"), [1, 2, 3], At);
        await using var db = _database.NewContext();
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
        return file;
    }

    private async Task<byte[]?> SealedDescription(Guid fileId)
    {
        await using var db = _database.NewContext();
        return await db.MedicalFiles.Where(f => f.Id == fileId)
            .Select(f => EF.Property<byte[]?>(f, MedicalTextSealing.DescriptionColumn)).SingleAsync();
    }

    private async Task<MedicalFile> ReadFile(Guid id)
    {
        await using var db = _database.NewContext();
        return await db.MedicalFiles.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    [Fact]
    public async Task SaveChanges_FileWithADescription_StoresItOnlySealedAndReadsItBack()
    {
        var file = await SaveFile("Left knee, after the fall");

        (await ReadFile(file.Id)).Description.Should().Be("Left knee, after the fall");
        var sealedValue = await SealedDescription(file.Id);
        sealedValue.Should().NotBeNull();
        sealedValue!.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Left knee")).Should().Be(-1);
    }

    [Fact]
    public async Task SaveChanges_FileWithoutADescription_StoresNoneAndReadsNone()
    {
        var file = await SaveFile(null);

        (await SealedDescription(file.Id)).Should().BeNull();
        (await ReadFile(file.Id)).Description.Should().BeNull();
    }

    private async Task<List<MediVault.Application.Records.Common.FileDto>> ListFiles()
    {
        await using var db = _database.NewContext();
        return await new MediVault.Infrastructure.Records.CompiledFileListing(db).ReadAsync(_patient, null, 0, 20, CancellationToken.None);
    }

    /// <summary>The page opens every description with one unwrapping of the patient's key; each still opens as its own row's.</summary>
    [Fact]
    public async Task FilesList_ReadsTheSealedDescriptions_LikeAMaterializedFile()
    {
        var knee = await SaveFile("Left knee, after the fall");
        var bare = await SaveFile(null);
        var wrist = await SaveFile("Right wrist");

        var listed = await ListFiles();

        listed.Single(f => f.Id == knee.Id).Description.Should().Be("Left knee, after the fall");
        listed.Single(f => f.Id == bare.Id).Description.Should().BeNull();
        listed.Single(f => f.Id == wrist.Id).Description.Should().Be("Right wrist");
    }

    [Fact]
    public async Task FilesList_WhosePatientKeyIsDestroyed_IsStoredContentCorrupt_UnlessNoFileHasADescription()
    {
        await SaveFile(null);
        await DestroyKey();
        (await ListFiles()).Should().ContainSingle().Which.Description.Should().BeNull("a page without descriptions needs no key");

        await SaveFile("Left knee, after the fall");
        await DestroyKey();
        var act = () => ListFiles();

        (await act.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<CryptographicException>();
    }

    /// <summary>The associated data names the row: a sealed description copied onto another file opens on neither path.</summary>
    [Fact]
    public async Task Read_ADescriptionCopiedFromAnotherFile_IsStoredContentCorrupt_AsAFileAndInTheList()
    {
        var source = await SaveFile("Left knee, after the fall");
        var target = await SaveFile("Right wrist");
        var copied = await SealedDescription(source.Id);
        await using (var db = _database.NewContext())
            await db.Database.ExecuteSqlAsync($"UPDATE \"MedicalFiles\" SET \"SealedDescription\" = {copied} WHERE \"Id\" = {target.Id}");

        var asFile = () => ReadFile(target.Id);
        var inList = () => ListFiles();

        (await asFile.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<CryptographicException>();
        (await inList.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<CryptographicException>();
    }

    [Fact]
    public async Task SaveChanges_FileChangedLater_KeepsItsSealedDescription()
    {
        var file = await SaveFile("Left knee, after the fall");
        var before = await SealedDescription(file.Id);
        await using (var db = _database.NewContext())
        {
            (await db.MedicalFiles.SingleAsync(f => f.Id == file.Id)).MarkDeleted(_patient, At.AddDays(1));
            await db.SaveChangesAsync();
        }

        (await SealedDescription(file.Id)).Should().Equal(before);
        (await ReadFile(file.Id)).DeletedAt.Should().Be(At.AddDays(1));
    }
}
