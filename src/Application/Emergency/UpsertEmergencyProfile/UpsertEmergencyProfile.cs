using System.Globalization;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Emergency.UpsertEmergencyProfile;

/// <summary>The profile a patient saves: the whole profile, replacing the one before.</summary>
/// <param name="DateOfBirth"><c>YYYY-MM-DD</c>, not before 1900 and not in the future.</param>
/// <param name="BloodType"><c>A+</c>, <c>A-</c>, <c>B+</c>, <c>B-</c>, <c>AB+</c>, <c>AB-</c>, <c>O+</c>, <c>O-</c> or <c>unknown</c> (the default).</param>
/// <param name="Allergies">At most 50.</param>
/// <param name="Conditions">At most 50.</param>
/// <param name="Medications">At most 50.</param>
/// <param name="EmergencyContacts">At most 50.</param>
/// <param name="OrganDonor">Whether the patient is a registered organ donor.</param>
/// <param name="MedicalNotes">Free text for a first responder, at most 4000 characters.</param>
public sealed record EmergencyProfileInput(
    string? DateOfBirth = null,
    string? BloodType = null,
    IReadOnlyList<AllergyInput?>? Allergies = null,
    IReadOnlyList<ConditionInput?>? Conditions = null,
    IReadOnlyList<MedicationInput?>? Medications = null,
    IReadOnlyList<EmergencyContactInput?>? EmergencyContacts = null,
    bool OrganDonor = false,
    string? MedicalNotes = null);

/// <summary>An allergy as the patient enters it.</summary>
/// <param name="Substance">Required, at most 200 characters.</param>
/// <param name="Reaction">At most 500 characters.</param>
/// <param name="Severity"><c>mild</c>, <c>moderate</c> or <c>severe</c>.</param>
public sealed record AllergyInput(string? Substance, string? Reaction = null, string? Severity = null);

public sealed record ConditionInput(string? Name, string? Notes = null);

public sealed record MedicationInput(string? Name, string? Dosage = null, string? Frequency = null);

public sealed record EmergencyContactInput(string? Name, string? Relationship, string? Phone);

/// <summary>Creates or replaces the patient's emergency profile. Only the patient may.</summary>
public sealed record UpsertEmergencyProfile(
    Guid PatientId,
    string? DateOfBirth,
    string? BloodType,
    IReadOnlyList<AllergyInput?>? Allergies,
    IReadOnlyList<ConditionInput?>? Conditions,
    IReadOnlyList<MedicationInput?>? Medications,
    IReadOnlyList<EmergencyContactInput?>? EmergencyContacts,
    bool OrganDonor,
    string? MedicalNotes) : ICommand<EmergencyProfileDto>
{
    public const string DateFormat = "yyyy-MM-dd";

    public static UpsertEmergencyProfile For(Guid patientId, EmergencyProfileInput input) => new(
        patientId, input.DateOfBirth, input.BloodType, input.Allergies, input.Conditions, input.Medications,
        input.EmergencyContacts, input.OrganDonor, input.MedicalNotes);

    internal static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

public sealed class UpsertEmergencyProfileHandler(
    IAppDbContext db, IRecordAccess access, IAccessLog accessLog, ILedger ledger, IUserDirectory users, TimeProvider clock)
    : ICommandHandler<UpsertEmergencyProfile, EmergencyProfileDto>
{
    public async ValueTask<EmergencyProfileDto> Handle(UpsertEmergencyProfile command, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(command.PatientId, RecordAction.WriteProfile, cancellationToken);
        var patient = await users.FindByIdAsync(command.PatientId, cancellationToken) ?? throw new NotFoundException();

        var profile = await db.EmergencyProfiles.SingleOrDefaultAsync(p => p.PatientId == command.PatientId, cancellationToken);
        if (profile is null)
        {
            profile = EmergencyProfile.Create(command.PatientId);
            db.EmergencyProfiles.Add(profile);
        }

        profile.Update(
            ParseDate(command.DateOfBirth),
            ParseBloodType(command.BloodType),
            (command.Allergies ?? []).Select(a => new Allergy(a!.Substance!.Trim(), Optional(a.Reaction), ParseSeverity(a.Severity))),
            (command.Conditions ?? []).Select(c => new Condition(c!.Name!.Trim(), Optional(c.Notes))),
            (command.Medications ?? []).Select(m => new Medication(m!.Name!.Trim(), Optional(m.Dosage), Optional(m.Frequency))),
            (command.EmergencyContacts ?? []).Select(c => new EmergencyContact(c!.Name!.Trim(), c.Relationship!.Trim(), c.Phone!.Trim())),
            command.OrganDonor,
            Optional(command.MedicalNotes),
            clock.GetUtcNow().UtcDateTime);

        accessLog.Record(command.PatientId, AccessAction.ProfileUpdated, role, ResourceTypes.EmergencyProfile, command.PatientId);
        await ledger.CommitAsync(
            new LedgerEvent(LedgerBlockKind.ProfileUpdated, command.PatientId, command.PatientId, profile.ContentHash()),
            beforeSave: null, cancellationToken);

        return EmergencyProfileDto.From(profile, patient.FullName);
    }

    // The validator has refused anything these cannot read; they fail loudly rather than guess.
    private static DateOnly? ParseDate(string? text) =>
        text is null ? null
        : UpsertEmergencyProfile.TryParseDate(text, out var date) ? date
        : throw new ValidationFailedException("dateOfBirth", "dateOfBirth must be a date (YYYY-MM-DD).");

    private static BloodType ParseBloodType(string? name) =>
        BloodTypeNames.TryParse(name ?? BloodType.Unknown.ToName(), out var type) ? type
        : throw new ValidationFailedException("bloodType", "bloodType is not a known blood type.");

    private static AllergySeverity ParseSeverity(string? name) =>
        AllergySeverityNames.TryParse(name, out var severity) ? severity
        : throw new ValidationFailedException("severity", "severity is not a known severity.");

    /// <summary>Blank optional text is no text.</summary>
    private static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
