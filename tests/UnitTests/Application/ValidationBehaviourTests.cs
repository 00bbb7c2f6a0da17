using FluentValidation;
using FluentValidation.Results;
using Mediator;
using MediVault.Application.Common.Behaviours;
using MediVault.Application.Common.Exceptions;
using NSubstitute;

namespace MediVault.UnitTests.Application;

public sealed class ValidationBehaviourTests
{
    public sealed record Ping(string Name) : ICommand<string>;

    [Fact]
    public async Task Handle_InvalidMessage_ThrowsWithCamelCaseFieldsAndNeverCallsTheHandler()
    {
        var validator = Substitute.For<IValidator<Ping>>();
        validator.ValidateAsync(Arg.Any<Ping>(), Arg.Any<CancellationToken>()).Returns(new ValidationResult(
        [
            new ValidationFailure("Name", "name is required."),
            new ValidationFailure("EmergencyContacts[0].Phone", "phone is not a phone number."),
        ]));
        var behaviour = new ValidationBehaviour<Ping, string>([validator]);
        var handlerCalled = false;

        var act = async () => await behaviour.Handle(new Ping(""), (_, _) =>
        {
            handlerCalled = true;
            return ValueTask.FromResult("pong");
        }, CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<ValidationFailedException>();
        thrown.Which.Errors.Keys.Should().BeEquivalentTo(["name", "emergencyContacts[0].phone"]);
        handlerCalled.Should().BeFalse();
    }

    [Fact]
    public async Task Handle_ValidMessage_CallsTheHandler()
    {
        var validator = Substitute.For<IValidator<Ping>>();
        validator.ValidateAsync(Arg.Any<Ping>(), Arg.Any<CancellationToken>()).Returns(new ValidationResult());
        var behaviour = new ValidationBehaviour<Ping, string>([validator]);

        var result = await behaviour.Handle(new Ping("x"), (message, _) => ValueTask.FromResult("pong " + message.Name), CancellationToken.None);

        result.Should().Be("pong x");
    }
}
