using Mediator;
using MediVault.Application.Common.Behaviours;
using MediVault.Application.Common.Exceptions;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Logging;

namespace MediVault.UnitTests.Application;

/// <summary>What the pipeline logs about each message: its type, outcome and duration, never its content.</summary>
public sealed class LoggingBehaviourTests
{
    public sealed record SaveNote(string Text) : ICommand<string>;

    private const string MedicalText = "penicillin allergy";
    private readonly ListLogger<LoggingBehaviour<SaveNote, string>> _logger = new();

    private ValueTask<string> Handle(MessageHandlerDelegate<SaveNote, string> next) =>
        new LoggingBehaviour<SaveNote, string>(_logger).Handle(new SaveNote(MedicalText), next, CancellationToken.None);

    [Fact]
    public async Task Handled_IsLoggedAtDebugWithTheTypeOnly_AndTheResponsePassesThrough()
    {
        var response = await Handle((message, _) => ValueTask.FromResult("saved " + message.Text.Length));

        response.Should().Be("saved 18");
        _logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Debug && e.Message.StartsWith("Handled SaveNote in ") && e.Message.EndsWith(" ms") && e.Exception == null);
        _logger.Entries.Single().Message.Should().NotContain(MedicalText);
    }

    [Fact]
    public async Task Refused_IsLoggedAtInformationWithTheFailure_AndRethrown()
    {
        var act = async () => await Handle((_, _) => throw new NotFoundException("No note " + MedicalText));

        await act.Should().ThrowAsync<NotFoundException>();
        var entry = _logger.Entries.Should().ContainSingle().Subject;
        entry.Level.Should().Be(LogLevel.Information);
        entry.Message.Should().StartWith("Refused SaveNote with NotFoundException in ").And.NotContain(MedicalText);
    }

    [Fact]
    public async Task AnUnexpectedFailure_IsLeftToTheExceptionHandler()
    {
        var act = async () => await Handle((_, _) => throw new InvalidOperationException("broken"));

        await act.Should().ThrowAsync<InvalidOperationException>();
        _logger.Entries.Should().BeEmpty("the exception handler logs it once, with its stack");
    }
}
