using System.Diagnostics;
using Mediator;
using MediVault.Application.Common.Exceptions;
using Microsoft.Extensions.Logging;

namespace MediVault.Application.Common.Behaviours;

/// <summary>Logs each message's type, outcome and duration. Never the message's content: it may hold medical text.</summary>
public sealed partial class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            if (logger.IsEnabled(LogLevel.Debug))
                LogHandled(logger, typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (AppException ex)
        {
            if (logger.IsEnabled(LogLevel.Information))
                LogRefused(logger, typeof(TMessage).Name, ex.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {MessageType} in {ElapsedMs:F1} ms")]
    private static partial void LogHandled(ILogger logger, string messageType, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {MessageType} with {Failure} in {ElapsedMs:F1} ms")]
    private static partial void LogRefused(ILogger logger, string messageType, string failure, double elapsedMs);
}
