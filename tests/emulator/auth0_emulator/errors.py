"""Auth0-shaped error bodies and the exception that carries them."""

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error answered in the Management API shape."""

    def __init__(self, status, message, error_code=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code

    def body(self):
        body = {
            "statusCode": self.status,
            "error": REASONS.get(self.status, "Error"),
            "message": self.message,
        }
        if self.error_code:
            body["errorCode"] = self.error_code
        return body


class OAuthError(Exception):
    """An error answered in the Authentication API (OAuth) shape."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self):
        return {"error": self.error, "error_description": self.description}


def invalid_body(message):
    return ApiError(400, "Payload validation error: " + message, "invalid_body")


def invalid_query(message):
    return ApiError(400, "Query validation error: " + message, "invalid_query_string")


def not_found(message="Not Found", code=None):
    return ApiError(404, message, code)
