namespace Katas.Grading;

/// <summary>How a request ended, as the server saw it.</summary>
public enum RequestOutcome
{
    /// <summary>Still being served.</summary>
    InFlight,

    /// <summary>The whole response was sent (200).</summary>
    Completed,

    /// <summary>404 was sent.</summary>
    NotFound,

    /// <summary>The server reset the connection mid-body, as the document's fault asked.</summary>
    Reset,

    /// <summary>The client went away (closed or reset the connection) before the response was complete.</summary>
    Aborted,

    /// <summary>The server stopped (or gave up on a stall) while serving it.</summary>
    ServerStopped,
}

/// <summary>One request as the server saw it. Times are from the server's start.</summary>
public sealed record ServedRequest(int Id, int Connection, string Path, TimeSpan Started, TimeSpan? Ended, RequestOutcome Outcome);
