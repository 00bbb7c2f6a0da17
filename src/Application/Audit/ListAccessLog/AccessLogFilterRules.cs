using FluentValidation;
using MediVault.Domain.Audit;

namespace MediVault.Application.Audit.ListAccessLog;

/// <summary>The filter's rules, shared by the list and the CSV export: known names, real days, from ≤ to.</summary>
internal static class AccessLogFilterRules
{
    public static void AddFilterRules<T>(this AbstractValidator<T> validator, Func<T, AccessLogFilter> filter)
    {
        validator.RuleFor(x => filter(x).Action)
            .Must(v => IsBlank(v) || KebabNames<AccessAction>.TryParse(v, out _)).OverridePropertyName("action")
            .WithMessage("action is not an action the log records. " + KebabNames<AccessAction>.OneOf);
        validator.RuleFor(x => filter(x).ActorRole)
            .Must(v => IsBlank(v) || KebabNames<ActorRole>.TryParse(v, out _)).OverridePropertyName("actorRole")
            .WithMessage("actorRole " + KebabNames<ActorRole>.OneOf.ToLowerInvariant());
        validator.RuleFor(x => filter(x).Outcome)
            .Must(v => IsBlank(v) || KebabNames<AccessOutcome>.TryParse(v, out _)).OverridePropertyName("outcome")
            .WithMessage("outcome " + KebabNames<AccessOutcome>.OneOf.ToLowerInvariant());
        validator.RuleFor(x => filter(x).From)
            .Must(v => IsBlank(v) || AccessLogFilter.TryParseDay(v, out _)).OverridePropertyName("from")
            .WithMessage("from must be a date written as YYYY-MM-DD.");
        validator.RuleFor(x => filter(x).To)
            .Must(v => IsBlank(v) || AccessLogFilter.TryParseDay(v, out _)).OverridePropertyName("to")
            .WithMessage("to must be a date written as YYYY-MM-DD.");
        validator.RuleFor(x => filter(x))
            .Must(f => !(AccessLogFilter.TryParseDay(f.From, out var from) && AccessLogFilter.TryParseDay(f.To, out var to)) || from <= to)
            .OverridePropertyName("to").WithMessage("to must be on or after from.");
    }

    private static bool IsBlank(string? value) => string.IsNullOrEmpty(value);
}
