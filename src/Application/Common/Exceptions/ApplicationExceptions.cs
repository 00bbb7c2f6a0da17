namespace MediVault.Application.Common.Exceptions;

/// <summary>Base of the failures the API turns into problem documents. Messages are safe to show to the caller.</summary>
public abstract class AppException(string message) : Exception(message);

/// <summary>400 with an <c>errors</c> object: camelCase field name → messages.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : AppException("One or more fields are invalid.")
{
    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] }) { }

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>400 without field errors: the request as a whole cannot be processed.</summary>
public sealed class BadRequestException(string message) : AppException(message);

/// <summary>401: the caller is not signed in.</summary>
public sealed class UnauthorizedException(string message = "Authentication is required.") : AppException(message);

/// <summary>403: signed in, known to have access to the resource, but not allowed to do this to it.</summary>
public sealed class ForbiddenException(string message = "You are not allowed to do this.") : AppException(message);

/// <summary>404: absent, or present but not visible to the caller (who must learn nothing about it).</summary>
public sealed class NotFoundException(string message = "The resource was not found.") : AppException(message);

/// <summary>409: conflicts with the current state, such as a duplicate email.</summary>
public sealed class ConflictException(string message) : AppException(message);

/// <summary>410: existed, but is no longer usable (expired, revoked, used up).</summary>
public sealed class GoneException(string message) : AppException(message);

/// <summary>413: the request body is over the configured limit.</summary>
public sealed class PayloadTooLargeException(string message) : AppException(message);

/// <summary>415: the content is of a type that is not accepted.</summary>
public sealed class UnsupportedMediaTypeException(string message) : AppException(message);

/// <summary>401 with <c>remainingAttempts</c>: a SMART Health Link was asked for with a wrong or missing passcode.</summary>
public sealed class PasscodeRejectedException(int remainingAttempts)
    : AppException(remainingAttempts == 1 ? "Wrong passcode. 1 attempt remains." : $"Wrong passcode. {remainingAttempts} attempts remain.")
{
    public int RemainingAttempts { get; } = remainingAttempts;
}

/// <summary>422: the request is understood, but the content it points at cannot be processed (a damaged DICOM header).</summary>
public sealed class UnprocessableContentException(string message) : AppException(message);
