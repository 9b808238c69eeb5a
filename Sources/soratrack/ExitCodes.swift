import ArgumentParser
import Foundation
import JobStore
import Reports
import SyncEngine
import VideoAPI
import VideoSimulator

/// The one place where errors become exit codes (docs/operations.md, Exit codes) and one line on stderr.
enum ExitCodes {
    static let partial: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let locked: Int32 = 75
    static let noPermission: Int32 = 77
    static let config: Int32 = 78

    /// The exit code for an error.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as StoreError:
            switch error {
            case .cannotCreate: return cannotCreate
            case .newerSchema: return config
            case .unknownJob: return dataError
            case .missing, .notADatabase, .io: return ioError
            }
        case is JobDatabase.MigrationNeeded: return config
        case let error as ConfigError:
            switch error {
            case .missingAPIKey, .unreadableKeyFile: return noPermission
            case .badBaseURL, .badAuthHeader, .badMaxRPM: return config
            }
        case let error as SyncLockError:
            switch error {
            case .held: return locked
            case .cannotCreate: return cannotCreate
            }
        case let error as SyncFailure:
            switch error {
            case .rejectedKey: return noPermission
            case .unreachable: return unavailable
            case .providerFailing, .rateLimited: return partial
            }
        case is InputError, is VideoIDError, is ScenarioError: return dataError
        case let error as DownloadError:
            switch error {
            case .cannotCreateFolder: return cannotCreate
            case .cannotWrite: return ioError
            }
        case is OutputError: return ioError
        case let error as OutputFileError:
            switch error {
            case .cannotCreate: return cannotCreate
            case .cannotWrite: return ioError
            }
        case let error as VideoAPIError:
            switch error {
            case .http(let status, _, _) where status == 401 || status == 403: return noPermission
            case .transport: return unavailable
            case .invalidBaseURL: return config
            default: return partial
            }
        case is InputReferenceError: return dataError
        case let error as CreationFailure:
            switch error {
            case .refused(let status, _, _) where status == 401 || status == 403: return noPermission
            case .refused(let status, _, _) where (400..<500).contains(status) && ![408, 409, 429].contains(status): return dataError
            case .refused, .unreadableAnswer: return partial
            case .notSent, .noAnswer: return unavailable
            }
        case let error as SubmissionError:
            switch error {
            case .notRecorded(_, let storeError): return code(for: storeError)
            case .unconfirmed(let failure, _): return code(for: failure)
            }
        case let error as DiscoveryError:
            switch error.failure {
            case .unsupported: return unavailable
            case .failed(.http(let status, _, _)) where status == 401 || status == 403: return noPermission
            case .failed(.transport) where error.pagesRead == 0: return unavailable
            case .failed, .ignoresCursor: return partial
            }
        default: return partial
        }
    }

    /// Runs a command body; an error prints one line on stderr and exits with its code.
    static func run(_ body: () async throws -> Int32) async throws {
        let status: Int32
        do {
            status = try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("soratrack: \(error)\n".utf8))
            throw ExitCode(code(for: error))
        }
        if status != 0 { throw ExitCode(status) }
    }
}
