using MediVault.Application.Common.Exceptions;

namespace MediVault.UnitTests.Application.Common;

/// <summary>The wrong-passcode message counts the attempts left in good English: one attempt remains, several remain.</summary>
public sealed class PasscodeRejectedExceptionTests
{
    [Theory]
    [InlineData(1, "Wrong passcode. 1 attempt remains.")]
    [InlineData(2, "Wrong passcode. 2 attempts remain.")]
    [InlineData(0, "Wrong passcode. 0 attempts remain.")]
    public void Message_SaysHowManyAttemptsRemain(int remaining, string message)
    {
        var exception = new PasscodeRejectedException(remaining);

        exception.Message.Should().Be(message);
        exception.RemainingAttempts.Should().Be(remaining);
    }
}
