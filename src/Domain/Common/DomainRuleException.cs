namespace MediVault.Domain.Common;

/// <summary>Thrown when an operation would put an entity into a state its rules forbid.</summary>
public sealed class DomainRuleException(string message) : Exception(message);
