using FluentValidation;
using MediVault.Application;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.UnitTests.Architecture;

/// <summary>
/// Validators are registered as singletons (their rules are compiled once), so none may hold a dependency: a scoped
/// one (a DbContext, the current user) would be captured by the first request and shared by every later one. The clock
/// is the one singleton a validator may take.
/// </summary>
public sealed class ValidatorLifetimeTests
{
    private static readonly IReadOnlyList<Type> Validators = typeof(MediVault.Application.DependencyInjection).Assembly.GetTypes()
        .Where(type => type is { IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IValidator).IsAssignableFrom(type))
        .ToList();

    [Fact]
    public void EveryValidator_DependsOnNothingButTheClock()
    {
        Validators.Should().NotBeEmpty();
        Validators.Where(type => type.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => p.ParameterType != typeof(TimeProvider)))
            .Should().BeEmpty("validators are singletons and must not capture scoped dependencies");
    }

    [Fact]
    public void EveryValidator_IsRegisteredAsASingleton()
    {
        var services = new ServiceCollection().AddApplication();

        var registrations = services.Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidator<>)).ToList();

        registrations.Select(d => d.ImplementationType).Should().BeEquivalentTo(Validators);
        registrations.Should().OnlyContain(d => d.Lifetime == ServiceLifetime.Singleton);
    }
}
