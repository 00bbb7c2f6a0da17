using FluentValidation;
using Mediator;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Common.Behaviours;

/// <summary>Runs every validator of a message before its handler; a failure becomes a 400 with field errors.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            var errors = failures
                .GroupBy(f => ToCamelCase(f.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());
            throw new ValidationFailedException(errors);
        }

        return await next(message, cancellationToken);
    }

    /// <summary>"EmergencyContacts[0].Phone" → "emergencyContacts[0].phone".</summary>
    internal static string ToCamelCase(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(part =>
            part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
