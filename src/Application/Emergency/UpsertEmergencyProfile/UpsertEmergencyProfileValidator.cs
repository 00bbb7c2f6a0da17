using FluentValidation;
using MediVault.Domain.Emergency;

namespace MediVault.Application.Emergency.UpsertEmergencyProfile;

internal sealed class UpsertEmergencyProfileValidator : AbstractValidator<UpsertEmergencyProfile>
{
    private static readonly string BloodTypes = string.Join(", ", BloodTypeNames.All);
    private static readonly string Severities = string.Join(", ", AllergySeverityNames.All);

    public UpsertEmergencyProfileValidator(TimeProvider clock)
    {
        RuleFor(x => x.PatientId).NotEmpty();

        RuleFor(x => x.DateOfBirth).Custom((text, context) =>
        {
            if (text is null)
                return;
            if (!UpsertEmergencyProfile.TryParseDate(text, out var born))
                context.AddFailure("dateOfBirth must be a date (YYYY-MM-DD).");
            else if (born < EmergencyProfile.EarliestDateOfBirth)
                context.AddFailure($"dateOfBirth cannot be before {EmergencyProfile.EarliestDateOfBirth:yyyy-MM-dd}.");
            else if (born > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
                context.AddFailure("dateOfBirth cannot be in the future.");
        });

        RuleFor(x => x.BloodType)
            .Must(name => BloodTypeNames.TryParse(name, out _))
            .WithMessage($"bloodType must be one of {BloodTypes}.")
            .When(x => x.BloodType is not null);

        RuleFor(x => x.MedicalNotes).Text("medicalNotes", EmergencyProfile.MaxMedicalNotesLength);

        RuleFor(x => x.Allergies).AtMostItems("allergies");
        RuleForEach(x => x.Allergies).NotNull().WithMessage("An allergy cannot be empty.").ChildRules(allergy =>
        {
            allergy.RuleFor(a => a!.Substance).RequiredText("substance", Allergy.MaxSubstanceLength);
            allergy.RuleFor(a => a!.Reaction).Text("reaction", Allergy.MaxReactionLength);
            allergy.RuleFor(a => a!.Severity)
                .Must(name => AllergySeverityNames.TryParse(name, out _))
                .WithMessage($"severity must be one of {Severities}.");
        });

        RuleFor(x => x.Conditions).AtMostItems("conditions");
        RuleForEach(x => x.Conditions).NotNull().WithMessage("A condition cannot be empty.").ChildRules(condition =>
        {
            condition.RuleFor(c => c!.Name).RequiredText("name", Condition.MaxNameLength);
            condition.RuleFor(c => c!.Notes).Text("notes", Condition.MaxNotesLength);
        });

        RuleFor(x => x.Medications).AtMostItems("medications");
        RuleForEach(x => x.Medications).NotNull().WithMessage("A medication cannot be empty.").ChildRules(medication =>
        {
            medication.RuleFor(m => m!.Name).RequiredText("name", Medication.MaxNameLength);
            medication.RuleFor(m => m!.Dosage).Text("dosage", Medication.MaxDosageLength);
            medication.RuleFor(m => m!.Frequency).Text("frequency", Medication.MaxFrequencyLength);
        });

        RuleFor(x => x.EmergencyContacts).AtMostItems("emergencyContacts");
        RuleForEach(x => x.EmergencyContacts).NotNull().WithMessage("A contact cannot be empty.").ChildRules(contact =>
        {
            contact.RuleFor(c => c!.Name).RequiredText("name", EmergencyContact.MaxNameLength);
            contact.RuleFor(c => c!.Relationship).RequiredText("relationship", EmergencyContact.MaxRelationshipLength);
            contact.RuleFor(c => c!.Phone)
                .NotEmpty().WithMessage("phone is required.")
                .Must(phone => EmergencyContact.IsPhoneLike(phone?.Trim()))
                .WithMessage($"phone must be a phone number: {EmergencyContact.MinPhoneDigits} to {EmergencyContact.MaxPhoneDigits} digits, with an optional leading + and spaces, dashes, dots or brackets.")
                .When(c => !string.IsNullOrWhiteSpace(c!.Phone), ApplyConditionTo.CurrentValidator);
        });
    }
}

/// <summary>The text rules shared by the profile's fields. Messages name the field as the API spells it.</summary>
internal static class ProfileRules
{
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.NotEmpty().WithMessage($"{field} is required.")
            .Text(field, maxLength);

    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage($"{field} is longer than {maxLength} characters.")
            .Must(text => text is null || !ProfileText.HasForbiddenControlCharacter(text))
            .WithMessage($"{field} cannot contain control characters.");

    public static IRuleBuilderOptions<T, IReadOnlyList<TItem>?> AtMostItems<T, TItem>(this IRuleBuilder<T, IReadOnlyList<TItem>?> rule, string field) =>
        rule.Must(items => items is null || items.Count <= EmergencyProfile.MaxItemsPerList)
            .WithMessage($"{field} holds at most {EmergencyProfile.MaxItemsPerList} items.");
}
