using System.Net;
using System.Net.Http.Json;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>Requests and answers of the emergency, dashboard and access-log endpoints.</summary>
public static class EmergencyRequests
{
    /// <summary>A complete profile, as a patient would post it.</summary>
    public static object SampleProfile() => new
    {
        dateOfBirth = "1990-04-02",
        bloodType = "O+",
        allergies = new object[]
        {
            new { substance = "Dust", reaction = "Sneezing", severity = "mild" },
            new { substance = "Penicillin", reaction = "Anaphylaxis", severity = "severe" },
        },
        conditions = new object[] { new { name = "Asthma", notes = "Since childhood" } },
        medications = new object[] { new { name = "Salbutamol", dosage = "100 mcg", frequency = "as needed" } },
        emergencyContacts = new object[] { new { name = "Ravi Verma", relationship = "brother", phone = "+91 98765 43210" } },
        organDonor = true,
        medicalNotes = "Carries an inhaler.",
    };

    public static async Task<ProfileAnswer> SaveProfile(this Session patient, object? profile = null)
    {
        var response = await patient.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", profile ?? SampleProfile());
        return await response.ReadAs<ProfileAnswer>();
    }

    public static async Task<QrCreatedAnswer> GenerateQr(this Session patient, object? request = null)
    {
        var response = await patient.Client.PostAsJsonAsync("/api/qr/generate", request ?? new { });
        return await response.ReadAs<QrCreatedAnswer>(HttpStatusCode.Created);
    }

    public static async Task<IReadOnlyList<QrSummaryAnswer>> ListQrCodes(this Session patient) =>
        await (await patient.Client.GetAsync("/api/qr/codes")).ReadAs<List<QrSummaryAnswer>>();

    public static async Task<PageAnswer<AccessLogEntryAnswer>> AccessLog(this Session reader, Guid patientId, int pageSize = 100) =>
        await (await reader.Client.GetAsync($"/api/access-logs/{patientId}?pageSize={pageSize}")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();

    /// <summary>
    /// Arranges state whose endpoints are not in this branch (file rows) straight in the app's database, and reads
    /// what the API never shows (ledger blocks, stored rows).
    /// </summary>
    public static async Task<T> InDatabase<T>(this WebApplicationFactory<Program> factory, Func<AppDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public static async Task GrantAccessTo(this Session patient, Session doctor)
    {
        var response = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static Task<List<LedgerBlock>> LedgerBlocks(this WebApplicationFactory<Program> factory, string kind, Guid resourceId) =>
        factory.InDatabase(db => db.LedgerBlocks.AsNoTracking()
            .Where(b => b.Kind == kind && b.ResourceId == resourceId).OrderBy(b => b.Index).ToListAsync());

    public static Task AddFile(
        this WebApplicationFactory<Program> factory, Session owner, FileCategory category, long sizeBytes, DateTime uploadedAt, bool deleted = false) =>
        factory.InDatabase(async db =>
        {
            var file = MedicalFile.Create(
                Guid.CreateVersion7(), owner.Id, owner.Id, "report.pdf", "application/pdf", sizeBytes, category, null, null,
                new string('c', 64), Guid.NewGuid().ToString("N"), [1, 2, 3], uploadedAt);
            if (deleted)
                file.MarkDeleted(owner.Id, uploadedAt.AddMinutes(1));
            db.MedicalFiles.Add(file);
            return await db.SaveChangesAsync();
        });
}

public sealed record AllergyAnswer(string Substance, string? Reaction, string Severity);

public sealed record ConditionAnswer(string Name, string? Notes);

public sealed record MedicationAnswer(string Name, string? Dosage, string? Frequency);

public sealed record ContactAnswer(string Name, string Relationship, string Phone);

public sealed record ProfileAnswer(
    Guid PatientId, string FullName, string? DateOfBirth, string BloodType, List<AllergyAnswer> Allergies,
    List<ConditionAnswer> Conditions, List<MedicationAnswer> Medications, List<ContactAnswer> EmergencyContacts,
    bool OrganDonor, string? MedicalNotes, DateTime UpdatedAt);

public sealed record QrCreatedAnswer(
    Guid Id, string Token, string AccessUrl, DateTime ExpiresAt, string? Label, int? MaxUses, string QrCodePng, string QrCodeSvg,
    string QrCodeUrl);

public sealed record QrSummaryAnswer(
    Guid Id, string? Label, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, int UseCount, int? MaxUses, string Status);

public sealed record EmergencyAccessAnswer(
    string PatientName, string? DateOfBirth, ProfileAnswer? EmergencyProfile, DateTime ExpiresAt, DateTime AccessedAt);

public sealed record AccessLogEntryAnswer(
    Guid Id, DateTime Timestamp, string Action, Guid? ActorId, string ActorName, string ActorRole, string ResourceType,
    Guid? ResourceId, string? IpAddress, string? UserAgent, string Outcome, string? ResourceName = null, string? Device = null);

public sealed record StatsAnswer(
    int TotalFiles, long TotalSizeBytes, Dictionary<string, int> FilesByCategory, int ActiveQrCodes,
    bool EmergencyProfileComplete, DateTime? LastUploadAt, List<AccessLogEntryAnswer> RecentActivity);
